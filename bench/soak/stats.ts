// Latency and status figures of the soak, per operation and per minute of the run. Pure functions
// over the records the load generator keeps, so the report and the checks are testable without a
// stack. Latencies count answered successes only (2xx): an error's time says nothing about speed.

export const OPERATIONS = ['ingest', 'query', 'embed', 'put', 'get'] as const
export type Operation = (typeof OPERATIONS)[number]

/** One request as a client saw it: when it started (ms since the load began), its status, how long. */
export interface OpRecord {
  op: Operation
  startMs: number
  /** The HTTP status, or 0 when no answer came (connection refused or reset, client timeout). */
  status: number
  ms: number
}

export interface MinuteStats {
  minute: number
  count: number
  /** Status code (or "no_answer") → how many. */
  statuses: Record<string, number>
  p50_ms: number | null
  p99_ms: number | null
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  if (p <= 0 || p > 100) throw new RangeError(`percentile ${p} is outside (0, 100]`)
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] as number
}

export const statusLabel = (status: number): string => (status === 0 ? 'no_answer' : String(status))

export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/** The minute of the run a request belongs to: the one it started in; the last minute keeps stragglers. */
export function minuteOf(startMs: number, minutes: number): number {
  return Math.min(Math.max(0, Math.floor(startMs / 60_000)), minutes - 1)
}

function summarize(records: readonly OpRecord[], minute: number): MinuteStats {
  const statuses: Record<string, number> = {}
  const latencies: number[] = []
  for (const r of records) {
    const label = statusLabel(r.status)
    statuses[label] = (statuses[label] ?? 0) + 1
    if (isSuccess(r.status)) latencies.push(r.ms)
  }
  return {
    minute,
    count: records.length,
    statuses,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
  }
}

/** Per operation, one entry per minute of the run (empty minutes included, so the table lines up). */
export function perMinute(records: readonly OpRecord[], minutes: number): Record<Operation, MinuteStats[]> {
  const buckets = new Map<string, OpRecord[]>()
  for (const r of records) {
    const key = `${r.op}:${minuteOf(r.startMs, minutes)}`
    const bucket = buckets.get(key)
    if (bucket) bucket.push(r)
    else buckets.set(key, [r])
  }
  const out = {} as Record<Operation, MinuteStats[]>
  for (const op of OPERATIONS) {
    out[op] = Array.from({ length: minutes }, (_, m) => summarize(buckets.get(`${op}:${m}`) ?? [], m))
  }
  return out
}

/** Per operation, the whole run at once. */
export function overall(records: readonly OpRecord[]): Record<Operation, Omit<MinuteStats, 'minute'>> {
  const out = {} as Record<Operation, Omit<MinuteStats, 'minute'>>
  for (const op of OPERATIONS) {
    const { minute: _minute, ...rest } = summarize(
      records.filter((r) => r.op === op),
      0,
    )
    out[op] = rest
  }
  return out
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10
}
