import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'

// bench/compaction: what small appends cost a reader, and what compaction gives back (ADR-022).
// N appends of 200 CSV rows through ingestd with automatic compaction off, a group-by through
// queryd, one POST /compact, the same group-by again; then the same appends with the defaults
// (automatic), and the group-by at the end. Counts (files, bytes, manifest size, passes) are
// exact; times depend on the machine's load. LH_BENCH_QUICK=1: 100 appends.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const APPENDS = QUICK ? 100 : 500
const ROWS_PER_APPEND = 200
const ITERATIONS = QUICK ? 10 : 30
// Rounded: a double sum's last bits depend on the order DuckDB's threads add the rows in.
const GROUP_BY =
  'select city, count(*) as n, round(sum(amount), 4) as total, round(avg(amount), 6) as mean from events group by 1 order by 1'
const REPO = resolve(import.meta.dirname, '../..')

function csvOf(append: number): string {
  const lines = ['id,city,amount,day']
  for (let i = 0; i < ROWS_PER_APPEND; i++) {
    const id = append * ROWS_PER_APPEND + i
    lines.push(`${id},city${id % 20},${((id * 7919) % 10_000) / 100},${id % 365}`)
  }
  return `${lines.join('\n')}\n`
}

async function ingest(stack: Stack, append: number): Promise<void> {
  const res = await fetch(`${stack.url('ingestd')}/v1/ingest/events?format=csv&mode=append`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csvOf(append),
  })
  if (res.status !== 200 && res.status !== 201) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
}

async function groupBy(stack: Stack): Promise<string> {
  const res = await fetch(`${stack.url('queryd')}/v1/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: GROUP_BY }),
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`query answered ${res.status}: ${text.slice(0, 300)}`)
  return JSON.stringify((JSON.parse(text) as { rows: unknown }).rows)
}

/** p50 and p99 of the group-by, after a first run that fills queryd's cache; and its answer. */
async function timeGroupBy(stack: Stack) {
  const answer = await groupBy(stack)
  const samples: number[] = []
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now()
    await groupBy(stack)
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  const at = (q: number) =>
    Math.round((samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0) * 10) / 10
  return { p50_ms: at(0.5), p99_ms: at(0.99), answer }
}

async function shape(stack: Stack) {
  const manifest = await stack.catalog.getManifest('events')
  return {
    version: manifest.version,
    files: manifest.files.length,
    rows: manifest.row_count,
    parquet_bytes: manifest.bytes,
    manifest_bytes: Buffer.byteLength(JSON.stringify(manifest)),
  }
}

/** catalogd's resident memory now and at its peak, MB (Linux /proc): DuckDB loads on the first pass. */
function catalogdMemory(stack: Stack) {
  const status = readFileSync(`/proc/${stack.daemons.catalogd?.child.pid}/status`, 'utf8')
  const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024)
  return { rss_mb: mb('VmRSS'), peak_rss_mb: mb('VmHWM') }
}

async function appendAll(stack: Stack): Promise<number> {
  const started = performance.now()
  for (let n = 0; n < APPENDS; n++) await ingest(stack, n)
  return Math.round((performance.now() - started) / 100) / 10
}

/** Automatic compaction off: N appends, the group-by, one pass on demand, the group-by again. */
async function onDemand() {
  const stack = await startStack({
    more: ['ingestd', 'queryd'],
    envOf: { catalogd: { LH_CATALOG_COMPACTION_AUTO: 'false' } },
  })
  try {
    const ingestS = await appendAll(stack)
    const catalogdBefore = catalogdMemory(stack)
    const before = { ...(await shape(stack)), ...(await timeGroupBy(stack)) }
    const compactStarted = performance.now()
    const result = await stack.catalog.compact('events')
    const compactMs = Math.round(performance.now() - compactStarted)
    const catalogdAfter = catalogdMemory(stack)
    if (!result.compacted) throw new Error(`nothing compacted: ${result.reason}`)
    const after = { ...(await shape(stack)), ...(await timeGroupBy(stack)) }
    if (after.answer !== before.answer)
      throw new Error(`the group-by answers differ: ${before.answer.slice(0, 300)} vs ${after.answer.slice(0, 300)}`)
    return {
      ingest_s: ingestS,
      compact_ms: compactMs,
      files_removed: result.files_removed,
      files_added: result.files_added,
      before: { ...before, answer: undefined },
      after: { ...after, answer: undefined },
      group_by_p50_ratio: Math.round((before.p50_ms / after.p50_ms) * 10) / 10,
      catalogd_memory: { before_pass: catalogdBefore, after_pass: catalogdAfter },
      answer: before.answer,
    }
  } finally {
    await stack.stop()
  }
}

/** The defaults (automatic, more than 32 small files): the same appends, and what a reader meets after. */
async function automatic() {
  const stack = await startStack({ more: ['ingestd', 'queryd'] })
  try {
    const ingestS = await appendAll(stack)
    // A pass may still be running; once at most 33 files remain, no further one is due.
    const deadline = Date.now() + 120_000
    while ((await shape(stack)).files > 33 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    const end = { ...(await shape(stack)), ...(await timeGroupBy(stack)) }
    const versions = (await stack.catalog.listVersions('events')).versions
    return {
      ingest_s: ingestS,
      compactions: versions.filter((v) => v.operation === 'compact').length,
      end,
    }
  } finally {
    await stack.stop()
  }
}

async function main(): Promise<void> {
  const demand = await onDemand()
  const auto = await automatic()
  if (auto.end.answer !== demand.answer) throw new Error('the group-by answers differ with automatic compaction')
  const report = {
    appends: APPENDS,
    rows_per_append: ROWS_PER_APPEND,
    on_demand: { ...demand, answer: undefined },
    automatic: { ...auto, end: { ...auto.end, answer: undefined } },
  }
  console.log(JSON.stringify(report, null, 2))
  writeFileSync(resolve(REPO, 'bench/results/compaction.json'), `${JSON.stringify(report, null, 2)}\n`)
}

await main()
