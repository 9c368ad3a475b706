import type { Criterion } from './checks.ts'
import type { CatalogSample, EndCheck, QueryAtEqualData, RssSample } from './samples.ts'
import type { MinuteStats, Operation } from './stats.ts'

// The soak's results: the JSON written to bench/results/soak.json and the text summary printed at
// the end (per-minute latency table, an RSS chart per daemon, the catalog's growth, the criteria).

export interface SoakResult {
  started_at: string
  minutes: number
  warmup_minutes: number
  clients: number
  /** `uptime` at the start and at the end: how busy the machine was. */
  load_average: { start: string; end: string }
  operations: Record<Operation, Omit<MinuteStats, 'minute'>>
  per_minute: Record<Operation, MinuteStats[]>
  ingests: { acked: number; refused: number; unknown: number }
  bad_reads_during_load: number
  error_samples: Record<string, string[]>
  rss: RssSample[]
  catalog: CatalogSample[]
  end_check: EndCheck
  criteria: Criterion[]
  /** The group-by at equal data once the load is over (ADR-029); null when it could not be measured. */
  query_at_equal_data: QueryAtEqualData | null
  daemon_warnings: Record<string, number>
  sampler_failures: string[]
}

const BARS = '▁▂▃▄▅▆▇█'

/** One character per value, scaled between the series' own min and max (a flat series is all ▁). */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return ''
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min
  return values.map((v) => BARS[span === 0 ? 0 : Math.round(((v - min) / span) * (BARS.length - 1))]).join('')
}

/** At most `width` values, each the peak of its run of neighbours (a peak is what a chart of memory must not hide). */
export function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values]
  const size = values.length / width
  return Array.from({ length: width }, (_, i) =>
    Math.max(...values.slice(Math.floor(i * size), Math.max(Math.floor((i + 1) * size), Math.floor(i * size) + 1))),
  )
}

const CHART_WIDTH = 60
const mb = (kib: number) => Math.round(kib / 1024)

/** Per daemon: start → warm-up end → end in MB and a sparkline over every sample. */
export function rssChart(samples: readonly RssSample[], warmupMs: number): string[] {
  const first = samples[0]
  if (!first) return ['(no RSS samples)']
  const warm = samples.find((s) => s.tMs >= warmupMs) ?? first
  const last = samples.at(-1) ?? first
  const daemons = Object.keys(first.kib)
  const width = Math.max(...daemons.map((d) => d.length))
  return daemons.map((d) => {
    const series = samples.map((s) => s.kib[d] ?? 0)
    const figures = `${mb(first.kib[d] ?? 0)} → ${mb(warm.kib[d] ?? 0)} → ${mb(last.kib[d] ?? 0)} MB (peak ${mb(Math.max(...series))})`
    return `  ${d.padEnd(width)}  ${sparkline(downsample(series, CHART_WIDTH))}  ${figures}`
  })
}

/**
 * Per daemon, where RSS went between the end of warm-up and the end: into the V8 heap, into
 * external memory (Buffers), or elsewhere (native: DuckDB, hnswlib, allocator fragmentation).
 */
export function memorySplit(samples: readonly RssSample[], warmupMs: number): string[] {
  const warm = samples.find((s) => s.tMs >= warmupMs)
  const last = samples.at(-1)
  if (!warm || !last || warm === last) return ['  (no samples after warm-up)']
  const delta = (field: 'kib' | 'heapKib' | 'externalKib' | 'duckdbKib', d: string) =>
    (last[field]?.[d] ?? 0) - (warm[field]?.[d] ?? 0)
  const signed = (kib: number) => `${kib >= 0 ? '+' : ''}${mb(kib)}`
  return Object.keys(last.kib).map((d) => {
    const rss = delta('kib', d)
    const heap = delta('heapKib', d)
    const external = delta('externalKib', d)
    const native = `native ${signed(rss - heap - external).padStart(5)}`
    const duckdb =
      last.duckdbKib?.[d] === undefined
        ? ''
        : ` (of it DuckDB ${signed(delta('duckdbKib', d))}, ${mb(last.duckdbKib[d])} MB at end)`
    return `  ${d.padEnd(9)}  RSS ${signed(rss).padStart(5)} MB = heap ${signed(heap).padStart(5)} + external ${signed(external).padStart(5)} + ${native}${duckdb}  (heap at end ${mb(last.heapKib?.[d] ?? 0)} MB${youngShrink(samples, warmupMs, d)})`
  })
}

/** When V8 shrank a daemon's young generation after warm-up: what was in flight then got promoted (ADR-036). */
function youngShrink(samples: readonly RssSample[], warmupMs: number, daemon: string): string {
  const after = samples.filter((s) => s.tMs >= warmupMs && s.newSpaceKib?.[daemon] !== undefined)
  const first = after[0]?.newSpaceKib?.[daemon]
  if (first === undefined) return ''
  const smallest = after.reduce((min, s) =>
    (s.newSpaceKib?.[daemon] ?? first) < (min.newSpaceKib?.[daemon] ?? first) ? s : min,
  )
  const size = smallest.newSpaceKib?.[daemon] ?? first
  return size < first
    ? `; young generation ${mb(first)} MB, shrank to ${mb(size)} at minute ${(smallest.tMs / 60_000).toFixed(1)}`
    : ''
}

function latencyTable(perMinute: SoakResult['per_minute']): string[] {
  const lines = ['  op      min  count  statuses                 p50 ms   p99 ms']
  for (const [op, minutes] of Object.entries(perMinute)) {
    for (const m of minutes) {
      const statuses = Object.entries(m.statuses)
        .map(([s, n]) => `${s}:${n}`)
        .join(' ')
      lines.push(
        `  ${op.padEnd(7)} ${String(m.minute + 1).padStart(3)} ${String(m.count).padStart(6)}  ${statuses.padEnd(24)} ${String(m.p50_ms ?? '-').padStart(7)}  ${String(m.p99_ms ?? '-').padStart(7)}`,
      )
    }
  }
  return lines
}

function catalogLines(samples: readonly CatalogSample[]): string[] {
  const lines = [
    '  at min  catalog MB  objects  KB/commit  iceberg MB  data MB  acked rows  files per dataset (version)',
  ]
  let previous: CatalogSample | undefined
  for (const s of samples) {
    const files = Object.entries(s.datasets)
      .map(([name, d]) => `${name}=${d.files} (v${d.version})`)
      .join(' ')
    const perCommit = previous ? catalogBytesPerCommit(previous, s) : null
    lines.push(
      `  ${(s.tMs / 60_000).toFixed(1).padStart(6)}  ${(s.catalogBytes / 1e6).toFixed(2).padStart(10)}  ${String(s.catalogObjects).padStart(7)}  ${(perCommit === null ? '-' : (perCommit / 1e3).toFixed(1)).padStart(9)}  ${(s.icebergBytes / 1e6).toFixed(2).padStart(10)}  ${(s.dataBytes / 1e6).toFixed(1).padStart(7)}  ${String(s.ackedRows).padStart(10)}  ${files}`,
    )
    previous = s
  }
  return lines
}

/** Catalog bytes added per commit between two samples (commits = versions added over all datasets). */
export function catalogBytesPerCommit(before: CatalogSample, after: CatalogSample): number | null {
  const versions = (s: CatalogSample) => Object.values(s.datasets).reduce((sum, d) => sum + d.version, 0)
  const commits = versions(after) - versions(before)
  return commits > 0 ? (after.catalogBytes - before.catalogBytes) / commits : null
}

export function summaryText(result: SoakResult): string {
  const out = [
    `soak: ${result.minutes} min, ${result.clients} clients through the gateway, warm-up ${result.warmup_minutes} min`,
    `machine load at start: ${result.load_average.start}`,
    `machine load at end:   ${result.load_average.end}`,
    '',
    'per operation and minute (latency of 2xx answers only):',
    ...latencyTable(result.per_minute),
    '',
    `RSS per daemon every 10 s (start → warm-up end → end):`,
    ...rssChart(result.rss, result.warmup_minutes * 60_000),
    '',
    "where RSS went after warm-up (V8 heap as committed, external memory from each daemon's /metrics):",
    ...memorySplit(result.rss, result.warmup_minutes * 60_000),
    '',
    'catalog and data:',
    ...catalogLines(result.catalog),
    '',
    `ingests: ${result.ingests.acked} acknowledged, ${result.ingests.refused} refused, ${result.ingests.unknown} unknown; bad reads during load: ${result.bad_reads_during_load}`,
    `daemon warn/error log lines: ${Object.entries(result.daemon_warnings)
      .map(([d, n]) => `${d} ${n}`)
      .join(', ')}`,
  ]
  for (const [label, samples] of Object.entries(result.error_samples)) out.push(`  ${label}: ${samples.join(' | ')}`)
  for (const f of result.sampler_failures) out.push(`  sampler: ${f}`)
  out.push('', 'criteria (issue 18, "Done when"):')
  for (const c of result.criteria) out.push(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`)
  out.push('', ...equalDataLines(result.query_at_equal_data))
  return out.join('\n')
}

/** The group-by at equal data (ADR-029): what the history costs, apart from how much data there is. */
export function equalDataLines(q: QueryAtEqualData | null): string[] {
  if (!q) return ['query at equal data: not measured']
  const files = Object.entries(q.files)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-')
  return [
    `query at equal data, the stack idle after the load (p50; live files: ${files}):`,
    `  through the gateway over the soaked datasets  ${q.gateway_p50_ms} ms`,
    `  in-process over the same files               ${q.inprocess_soaked_files_p50_ms} ms`,
    `  in-process over the same rows in one file    ${q.inprocess_one_file_p50_ms} ms`,
    `  history cost (same files / one file) × ${ratio(q.inprocess_soaked_files_p50_ms, q.inprocess_one_file_p50_ms)}; system overhead (gateway − in-process) ${(q.gateway_p50_ms - q.inprocess_soaked_files_p50_ms).toFixed(1)} ms`,
  ]
}
