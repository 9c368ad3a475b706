import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
// bench/ is not a workspace package: DuckDB comes through ingestd's own engine module, so the
// in-process baseline runs the very engine build and settings that ingestd runs.
import { openEngine } from '../../apps/ingestd/src/duckdb-engine.ts'
import { writeStaffingCsv } from '../lib/staffing.ts'

// bench/ingest: the staffing CSV ingested over HTTP through the gateway (gateway → ingestd →
// DuckDB → storaged → catalogd) against DuckDB converting the same file to ZSTD Parquet in-process.
// Reports rows/s of each, their ratio (aim ≥ 0.7) and ingestd's peak RSS (VmHWM), measured on a
// fresh ingestd per size so that it shows whether memory grows with the file.
// LH_BENCH_QUICK=1: 10k and 50k rows. Otherwise 10k, 250k and 1M rows (~170 MB). A small size is
// timed as the median of several warm runs (one warm-up first): a single cold ingest of 10k rows
// measures start-up, not the hot path.

const QUICK = process.env.LH_BENCH_QUICK === '1'
// LH_BENCH_INGEST_ROWS=1000000 (comma-separated) picks the sizes, for measuring one of them.
const SIZES = process.env.LH_BENCH_INGEST_ROWS
  ? process.env.LH_BENCH_INGEST_ROWS.split(',').map(Number)
  : QUICK
    ? [10_000, 50_000]
    : [10_000, 250_000, 1_000_000]
/** Runs timed per size (after one warm-up when more than one). */
const repeatsOf = (rows: number) => (rows <= 50_000 ? 11 : 1)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const REPO = resolve(import.meta.dirname, '../..')

interface Row {
  rows: number
  csv_mb: number
  inprocess_s: number
  inprocess_rows_per_s: number
  http_s: number
  http_rows_per_s: number
  ratio: number
  ingestd_idle_rss_mb: number
  ingestd_peak_rss_mb: number
  ingestd_phase_ms: Record<string, number>
  /** Write syscalls that took the upload to ingestd's temp file (exact, whatever the load). */
  upload_file_writes: number | undefined
  /** CPU ms (all threads) per timed ingest of the gateway and of ingestd. */
  gateway_cpu_ms: number
  ingestd_cpu_ms: number
}

function ingestedLine(log: string): { ms: Record<string, number>; upload_writes?: number } {
  const line = log.split('\n').findLast((l) => l.includes('"msg":"ingested"'))
  return line ? (JSON.parse(line) as { ms: Record<string, number>; upload_writes?: number }) : { ms: {} }
}

function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** VmHWM (peak) or VmRSS (now) of a process, in MB. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

async function convertInProcess(csv: string, out: string, tmpDir: string): Promise<number> {
  const engine = await openEngine({ tmpDir, memoryLimit: '1GB' })
  const conn = await engine.connect()
  const started = performance.now()
  await conn.run(
    `COPY (SELECT * FROM read_csv('${csv}', skip=0)) TO '${out}' (FORMAT parquet, COMPRESSION zstd, FILE_SIZE_BYTES 134217728)`,
  )
  const seconds = (performance.now() - started) / 1000
  conn.closeSync()
  engine.closeSync()
  return seconds
}

async function ingestOverHttp(gatewayUrl: string, dataset: string, csv: string): Promise<number> {
  const client = new ServiceClient({ service: 'gateway', baseUrl: gatewayUrl, timeoutMs: 600_000 })
  const started = performance.now()
  try {
    const res = await client.request({
      method: 'POST',
      path: `/v1/ingest/${dataset}`,
      query: { format: 'csv', mode: 'replace' },
      headers: { 'content-type': 'text/csv', 'content-length': String(statSync(csv).size) },
      // 1 MiB reads, as curl --data-binary @file would send them; the default 64 KiB doubles the
      // client's share of the two cores.
      body: createReadStream(csv, { highWaterMark: 1024 * 1024 }),
    })
    const answer = (await res.body.json()) as { rows_ingested?: number }
    if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${JSON.stringify(answer)}`)
    return (performance.now() - started) / 1000
  } finally {
    await client.close()
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lh-bench-ingest-'))
  let stack: Stack | undefined
  try {
    stack = await startStack({ parentDir: work })
    const env = { LH_PATHS_DATA_DIR: stack.dataDir }
    const peers = stack.peers
    const results: Row[] = []
    for (const [run, rows] of SIZES.entries()) {
      const csv = join(work, `staffing-${run}-${rows}.csv`)
      const bytes = await writeStaffingCsv(csv, rows)
      const repeats = repeatsOf(rows)
      const inprocessRuns: number[] = []
      for (let i = 0; i < repeats; i++) {
        inprocessRuns.push(await convertInProcess(csv, join(work, `inprocess-${run}-${rows}-${i}`), work))
      }
      const inprocess = median(repeats > 1 ? inprocessRuns.slice(1) : inprocessRuns)
      // A fresh ingestd (and gateway) per size: VmHWM is the process's own high-water mark.
      // info level for ingestd: its "ingested" line carries the time of each phase.
      const ingestd = await startDaemon('ingestd', { env: { ...env, ...peers, LH_LOG_LEVEL: 'info' } })
      const gateway = await startDaemon('gateway', { env: { ...env, ...peers, LH_PEERS_INGESTD: ingestd.url } })
      const idle = rssMb(ingestd.child.pid as number, 'VmHWM')
      const httpRuns: number[] = []
      const pids = { gateway: gateway.child.pid as number, ingestd: ingestd.child.pid as number }
      const cpuBefore = { gateway: processCpuMs(pids.gateway), ingestd: processCpuMs(pids.ingestd) }
      for (let i = 0; i < repeats; i++) httpRuns.push(await ingestOverHttp(gateway.url, `staffing_${rows}`, csv))
      const cpu = {
        gateway: Math.round((processCpuMs(pids.gateway) - cpuBefore.gateway) / repeats),
        ingestd: Math.round((processCpuMs(pids.ingestd) - cpuBefore.ingestd) / repeats),
      }
      const http = median(repeats > 1 ? httpRuns.slice(1) : httpRuns)
      const rss = rssMb(ingestd.child.pid as number, 'VmHWM')
      const ingested = ingestedLine(ingestd.output())
      await gateway.stop()
      await ingestd.stop()
      results.push({
        rows,
        csv_mb: Math.round(bytes / 1e5) / 10,
        inprocess_s: round(inprocess),
        inprocess_rows_per_s: Math.round(rows / inprocess),
        http_s: round(http),
        http_rows_per_s: Math.round(rows / http),
        ratio: round(inprocess / http),
        ingestd_idle_rss_mb: idle,
        ingestd_peak_rss_mb: rss,
        ingestd_phase_ms: ingested.ms,
        upload_file_writes: ingested.upload_writes,
        gateway_cpu_ms: cpu.gateway,
        ingestd_cpu_ms: cpu.ingestd,
      })
      rmSync(csv)
    }
    report(results)
  } finally {
    await stack?.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000

function report(results: Row[]): void {
  console.log(`\n## ingest (${QUICK ? 'QUICK' : 'full'}): staffing CSV → ZSTD Parquet\n`)
  console.log(
    '| rows | CSV MB | DuckDB in-process s | rows/s | HTTP via gateway s | rows/s | ratio | ingestd RSS before MB | ingestd peak RSS MB | ingestd phases ms | upload file writes | CPU ms gateway / ingestd |',
  )
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|')
  for (const r of results) {
    console.log(
      `| ${r.rows} | ${r.csv_mb} | ${r.inprocess_s} | ${r.inprocess_rows_per_s} | ${r.http_s} | ${r.http_rows_per_s} | ${r.ratio} | ${r.ingestd_idle_rss_mb} | ${r.ingestd_peak_rss_mb} | ${Object.entries(
        r.ingestd_phase_ms,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} | ${r.upload_file_writes ?? '–'} | ${r.gateway_cpu_ms} / ${r.ingestd_cpu_ms} |`,
    )
  }
  const out = join(REPO, 'bench/results')
  mkdirSync(out, { recursive: true })
  const file = join(out, 'ingest.json')
  writeFileSync(
    file,
    `${JSON.stringify({ bench: 'ingest', quick: QUICK, at: new Date().toISOString(), results }, null, 2)}\n`,
  )
  console.log(`\nwrote ${file}`)
}

await main()
