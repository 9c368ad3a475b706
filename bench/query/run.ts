import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { querySectionSchema } from '@lakehouse/shared/config/sections/query.ts'
import { startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
// bench/ is not a workspace package: DuckDB comes through queryd's own sandbox module, so the
// in-process baseline runs the very engine build and sandbox settings that queryd runs.
import { openSandbox } from '../../apps/queryd/src/sandbox.ts'
import { writeStaffingCsv } from '../lib/staffing.ts'
import { fetchFiles } from './dataset-files.ts'
import { freshnessChecks, memoryOf, perQuery, scrape } from './phases.ts'

// bench/query: the staffing dataset ingested through the gateway, then three queries through the
// gateway (gateway → queryd → DuckDB over its Parquet cache) against DuckDB in-process on the same
// Parquet files: a group-by aggregate, a point lookup, a 100k-row NDJSON export. p50/p99 of each
// (in-process, through the gateway and straight to queryd taking turns, ADR-034), the p50 overhead
// in ms and the ratio, and the throughput of 8 concurrent clients.
// LH_BENCH_QUICK=1: 50k rows, 20k-row export, few iterations. Otherwise 1M rows, 100k-row export.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const ROWS = QUICK ? 50_000 : 1_000_000
const EXPORT_ROWS = QUICK ? 20_000 : 100_000
const ITERATIONS = QUICK ? 30 : 300
const EXPORT_ITERATIONS = QUICK ? 3 : 20
const CONCURRENCY = 8
const THROUGHPUT_REQUESTS = QUICK ? 80 : 2_000
const REPO = resolve(import.meta.dirname, '../..')

const AGGREGATE = 'select city, role, count(*) as n, avg(rate) as avg_rate from staffing group by 1, 2 order by 1, 2'
const LOOKUP = 'select * from staffing where id = $1'
const EXPORT = `select * from staffing order by id limit ${EXPORT_ROWS}`

type Runner = (sql: string, params?: number[]) => Promise<unknown>

interface Stats {
  p50_ms: number
  p99_ms: number
}

interface Row {
  query: string
  inprocess: Stats
  queryd: Stats
  gateway: Stats
  p50_overhead_ms: number
  ratio_p50: number
  /** Inside queryd, mean ms per phase and round trips per query, over the gateway and direct runs. */
  phases: Record<string, number>
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
  return { p50_ms: round(at(0.5)), p99_ms: round(at(0.99)) }
}

const round = (n: number) => Math.round(n * 100) / 100
const randomId = () => 1 + Math.floor(Math.random() * ROWS)

async function time(run: Runner, sql: string, iterations: number, params?: () => number[]): Promise<number[]> {
  for (let i = 0; i < 3; i++) await run(sql, params?.())
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    await run(sql, params?.())
    samples.push(performance.now() - started)
  }
  return samples
}

/**
 * The same statement through each runner in turn, the order rotating every iteration, with the
 * same parameters for all: the machine's drift over a run (the in-process p50 moved 13.2–15.8 ms
 * between runs) falls on every runner alike instead of on whichever ran during it.
 */
async function interleaved(
  runners: readonly Runner[],
  sql: string,
  iterations: number,
  params?: () => number[],
): Promise<number[][]> {
  for (let i = 0; i < 3; i++) for (const run of runners) await run(sql, params?.())
  const samples = runners.map((): number[] => [])
  for (let i = 0; i < iterations; i++) {
    const args = params?.()
    for (let k = 0; k < runners.length; k++) {
      const which = (i + k) % runners.length
      const started = performance.now()
      await (runners[which] as Runner)(sql, args)
      ;(samples[which] as number[]).push(performance.now() - started)
    }
  }
  return samples
}

async function throughput(run: Runner): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < THROUGHPUT_REQUESTS) {
        const i = next++
        await (i % 2 === 0 ? run(AGGREGATE) : run(LOOKUP, [randomId()]))
      }
    }),
  )
  return Math.round(THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000))
}

function gatewayRunner(url: string): Runner {
  return async (sql, params) => {
    const format = sql === EXPORT ? 'ndjson' : 'json'
    const res = await fetch(`${url}/v1/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql, params, format, max_rows: EXPORT_ROWS }),
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`query answered ${res.status}: ${text.slice(0, 300)}`)
    return text
  }
}

async function inProcessRunner(work: string, files: string[]) {
  const cache = join(work, 'inprocess')
  mkdirSync(cache, { recursive: true })
  // queryd's defaults, the DuckDB caches included (the sandbox alone leaves the external file cache
  // on, queryd turns it off: ADR-025 found the baseline ran with it on).
  const query = querySectionSchema.parse({})
  const instance = await openSandbox({
    allowedDirectories: [`${cache}/`],
    memoryLimit: query.memory_limit,
    threads: query.threads,
    spillDirectory: join(work, 'spill'),
    parquetMetadataCache: query.parquet_metadata_cache,
    externalFileCache: query.external_file_cache,
  })
  const setup = await instance.connect()
  const paths = files.map((f) => `'${f}'`).join(', ')
  await setup.run(`CREATE VIEW staffing AS SELECT * FROM read_parquet([${paths}], union_by_name = true)`)
  setup.closeSync()
  // One connection per query, as queryd does; rows read to the last one, as queryd does.
  const run: Runner = async (sql, params) => {
    const connection = await instance.connect()
    try {
      const prepared = await connection.prepare(sql)
      if (params) prepared.bind(params)
      const result = await prepared.stream()
      for (;;) {
        const chunk = await result.fetchChunk()
        if (!chunk || chunk.rowCount === 0) break
        chunk.getRows()
      }
    } finally {
      connection.closeSync()
    }
  }
  return { run, cache, close: () => instance.closeSync() }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lh-bench-query-'))
  let stack: Stack | undefined
  let gateway: Awaited<ReturnType<typeof startDaemon>> | undefined
  try {
    stack = await startStack({
      more: ['ingestd', 'queryd'],
      parentDir: work,
      envOf: { queryd: { LH_QUERY_DEFAULT_MAX_ROWS: '100000' } },
    })
    const queryd = { url: stack.url('queryd') }
    // No rate limit: the bench is one client sending as fast as it can, by design.
    gateway = await startDaemon('gateway', {
      env: { LH_PATHS_DATA_DIR: stack.dataDir, ...stack.peers, LH_GATEWAY_RATE_LIMIT_MAX: '0' },
    })

    const csv = join(work, 'staffing.csv')
    await writeStaffingCsv(csv, ROWS)
    const ingest = await fetch(`${gateway.url}/v1/ingest/staffing?format=csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: await import('node:fs/promises').then((fs) => fs.readFile(csv)),
    })
    if (ingest.status !== 200) throw new Error(`ingest answered ${ingest.status}: ${await ingest.text()}`)
    rmSync(csv)

    const baseline = await inProcessRunner(work, await fetchFiles(gateway.url, join(work, 'inprocess')))
    const http = gatewayRunner(gateway.url)
    // queryd without the gateway: splits the overhead between the proxy hop and queryd itself.
    const direct = gatewayRunner(queryd.url)
    const results: Row[] = []
    for (const [name, sql, iterations, params] of [
      ['group-by aggregate', AGGREGATE, ITERATIONS, undefined],
      ['point lookup', LOOKUP, ITERATIONS, () => [randomId()]],
      [`${EXPORT_ROWS}-row ndjson export`, EXPORT, EXPORT_ITERATIONS, undefined],
    ] as const) {
      const before = await scrape(queryd.url)
      const [inprocess, gatewayStats, directStats] = (
        await interleaved([baseline.run, http, direct], sql, iterations, params)
      ).map(stats) as [Stats, Stats, Stats]
      const phases = perQuery(before, await scrape(queryd.url))
      results.push({
        query: name,
        inprocess,
        queryd: directStats,
        gateway: gatewayStats,
        p50_overhead_ms: round(gatewayStats.p50_ms - inprocess.p50_ms),
        ratio_p50: round(gatewayStats.p50_ms / inprocess.p50_ms),
        phases,
      })
    }
    const concurrent = { inprocess_qps: await throughput(baseline.run), gateway_qps: await throughput(http) }
    baseline.close()
    // The hop alone: `select 1` reads no table, so no freshness check and no lease.
    const selectOne = { gateway: stats(await time(http, 'select 1', ITERATIONS)) }
    const freshness = await freshnessChecks(
      { catalogd: stack.url('catalogd'), storaged: stack.url('storaged') },
      'staffing',
      ITERATIONS,
    )
    const memory = await memoryOf(queryd.url)
    report(results, concurrent, { selectOne, freshness, memory })
  } finally {
    await gateway?.stop()
    await stack?.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

function report(
  results: Row[],
  concurrent: { inprocess_qps: number; gateway_qps: number },
  extra: { selectOne: { gateway: Stats }; freshness: Record<string, number>; memory: Record<string, number> },
): void {
  console.log(
    `\n## query (${QUICK ? 'QUICK' : 'full'}): ${ROWS} staffing rows, gateway → queryd vs DuckDB in-process\n`,
  )
  console.log(
    '| query | in-process p50 ms | p99 ms | queryd direct p50 ms | gateway p50 ms | p99 ms | p50 overhead ms | ratio (p50) |',
  )
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of results) {
    console.log(
      `| ${r.query} | ${r.inprocess.p50_ms} | ${r.inprocess.p99_ms} | ${r.queryd.p50_ms} | ${r.gateway.p50_ms} | ${r.gateway.p99_ms} | ${r.p50_overhead_ms} | ${r.ratio_p50} |`,
    )
  }
  console.log('\nInside queryd during the gateway and direct runs (mean ms per phase; round trips per query):\n')
  const keys = Object.keys(results[0]?.phases ?? {})
  console.log(`| query | ${keys.join(' | ')} |`)
  console.log(`|---|${keys.map(() => '---:').join('|')}|`)
  for (const r of results) console.log(`| ${r.query} | ${keys.map((k) => r.phases[k]).join(' | ')} |`)
  console.log(
    `\nselect 1 through the gateway: p50 ${extra.selectOne.gateway.p50_ms} ms, p99 ${extra.selectOne.gateway.p99_ms} ms`,
  )
  console.log(`freshness checks, p50 ms from the bench process: ${JSON.stringify(extra.freshness)}`)
  console.log(`queryd memory after the run: ${JSON.stringify(extra.memory)}`)
  console.log(
    `\n${CONCURRENCY} concurrent clients (aggregate and lookup alternating, ${THROUGHPUT_REQUESTS} requests): ` +
      `in-process ${concurrent.inprocess_qps} q/s, through the gateway ${concurrent.gateway_qps} q/s`,
  )
  const out = join(REPO, 'bench/results')
  mkdirSync(out, { recursive: true })
  const file = join(out, 'query.json')
  const payload = {
    bench: 'query',
    quick: QUICK,
    rows: ROWS,
    at: new Date().toISOString(),
    results,
    concurrent,
    ...extra,
  }
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`)
  console.log(`\nwrote ${file}`)
}

await main()
