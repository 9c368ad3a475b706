import { manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'

// bench/query, the parts that say where queryd's overhead goes (ADR-021): the per-phase timers
// queryd keeps as metrics (query_phase_seconds), read before and after a timed run, and the exact
// round trips per query (commit-object HEADs, manifest reads, Parquet fetches). Also the freshness
// checks that were weighed against each other, timed one after another in the same run.

export type Tallies = Record<string, number>

const TALLIES = [
  'query_freshness_heads_total',
  'query_manifest_reads_total',
  'query_parquet_cache_fetches_total',
  'query_guard_cache_hits_total',
  'query_pool_reuses_total',
  'query_statement_cache_hits_total',
]

/** Sums and counts of every phase histogram, and the round-trip tallies, from queryd's /metrics. */
export async function scrape(querydUrl: string): Promise<Tallies> {
  const text = await (await fetch(`${querydUrl}/metrics`)).text()
  const out: Tallies = {}
  for (const line of text.split('\n')) {
    const phase = /^query_phase_seconds_(sum|count)\{[^}]*phase="(\w+)"[^}]*\} ([\d.e+-]+)$/.exec(line)
    if (phase) out[`${phase[2]}_${phase[1]}`] = Number(phase[3])
    const tally = /^(\w+)(?:\{[^}]*\})? ([\d.e+-]+)$/.exec(line)
    if (tally && TALLIES.includes(tally[1] as string)) out[tally[1] as string] = Number(tally[2])
  }
  return out
}

/** Mean ms per phase and round trips per query between two scrapes. */
export function perQuery(before: Tallies, after: Tallies): Record<string, number> {
  const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0)
  const runs = delta('guard_count')
  const out: Record<string, number> = {}
  for (const phase of ['connect', 'guard', 'freshness', 'lease', 'prepare', 'execute']) {
    out[`${phase}_ms`] = round((delta(`${phase}_sum`) * 1000) / Math.max(1, runs))
  }
  for (const tally of TALLIES) out[tally.replace(/^query_|_total$/g, '')] = round(delta(tally) / Math.max(1, runs))
  return out
}

const round = (n: number) => Math.round(n * 1000) / 1000

async function p50(iterations: number, once: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await once()
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    await once()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return round(samples[Math.floor(samples.length / 2)] as number)
}

/**
 * The freshness checks weighed in ADR-021, p50 ms from this process: today's catalog generation
 * (catalogd lists the dataset markers and HEADs storage), one HEAD of the next commit object
 * straight to storaged (the choice), and a GET of one small object from storaged, which is what
 * reading a catalog head object costs at best (storaged answers no 304 today, and a 304 costs a
 * round trip all the same).
 */
export async function freshnessChecks(
  urls: { catalogd: string; storaged: string },
  dataset: string,
  iterations: number,
) {
  const next = `${urls.storaged}/v1/storage/objects/${manifestKey(dataset, 1_000_000)}`
  const small = `${urls.storaged}/v1/storage/objects/${manifestKey(dataset, 1)}`
  const drain = async (res: Response) => {
    await res.arrayBuffer()
  }
  return {
    catalog_generation_ms: await p50(iterations, async () =>
      drain(await fetch(`${urls.catalogd}/v1/catalog/generation`)),
    ),
    storage_head_next_version_ms: await p50(iterations, async () => drain(await fetch(next, { method: 'HEAD' }))),
    storage_get_small_object_ms: await p50(iterations, async () => drain(await fetch(small))),
  }
}

/** queryd's RSS and DuckDB's memory by tag (non-zero tags only), in MB, from its /metrics. */
export async function memoryOf(querydUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${querydUrl}/metrics`)).text()
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const rss = /^process_resident_memory_bytes(?:\{[^}]*\})? ([\d.e+-]+)$/.exec(line)
    if (rss) out.rss_mb = round(Number(rss[1]) / 1e6)
    const tag = /^query_duckdb_memory_bytes\{[^}]*tag="(\w+)"[^}]*\} ([\d.e+-]+)$/.exec(line)
    if (tag && Number(tag[2]) > 0) out[`duckdb_${(tag[1] as string).toLowerCase()}_mb`] = round(Number(tag[2]) / 1e6)
  }
  return out
}
