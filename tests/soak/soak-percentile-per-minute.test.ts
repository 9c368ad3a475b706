import { describe, expect, it } from 'vitest'
import { metricKib, metricSumKib } from '../../bench/soak/sampler.ts'
import { type OpRecord, overall, percentile, perMinute } from '../../bench/soak/stats.ts'

// The soak's latency figures: nearest-rank percentiles, requests bucketed by the minute they
// started in (stragglers past the end go to the last minute), latency of 2xx answers only.

const at = (op: OpRecord['op'], minute: number, ms: number, status = 200): OpRecord => ({
  op,
  startMs: minute * 60_000 + 1_000,
  status,
  ms,
})

describe('soak-percentile-per-minute', () => {
  it('takes the nearest-rank percentile', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentile(hundred, 50)).toBe(50)
    expect(percentile(hundred, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([1, 2, 3, 4], 50)).toBe(2)
    expect(percentile([], 50)).toBeNull()
  })

  it('buckets by start minute, counts every status, and times only successes', () => {
    const records = [
      at('query', 0, 10),
      at('query', 0, 30),
      at('query', 0, 5_000, 503),
      at('query', 1, 40),
      at('query', 1, 1, 0),
      // started after the deadline: belongs to the last minute, not to a minute of its own
      at('query', 2, 50),
    ]
    const minutes = perMinute(records, 2).query
    expect(minutes).toHaveLength(2)
    expect(minutes[0]).toEqual({ minute: 0, count: 3, statuses: { '200': 2, '503': 1 }, p50_ms: 10, p99_ms: 30 })
    expect(minutes[1]).toEqual({ minute: 1, count: 3, statuses: { '200': 2, no_answer: 1 }, p50_ms: 40, p99_ms: 50 })
    expect(perMinute(records, 2).embed[0]).toEqual({ minute: 0, count: 0, statuses: {}, p50_ms: null, p99_ms: null })
    expect(overall(records).query).toMatchObject({ count: 6, p50_ms: 30, p99_ms: 50 })
  })
})

describe('soak-metric-reading', () => {
  it('reads an unlabelled or labelled Prometheus sample in KiB, and nothing for an absent one', () => {
    const text = '# HELP x\nnodejs_heap_size_used_bytes 2097152\nnodejs_external_memory_bytes{service="q"} 1024\n'
    expect(metricKib(text, 'nodejs_heap_size_used_bytes')).toBe(2048)
    expect(metricKib(text, 'nodejs_external_memory_bytes')).toBe(1)
    expect(metricKib(text, 'process_resident_memory_bytes')).toBeUndefined()
  })

  it('sums a metric over its label sets (DuckDB memory by tag)', () => {
    const text =
      'query_duckdb_memory_bytes{tag="BASE_TABLE"} 1048576\nquery_duckdb_memory_bytes{tag="HASH_TABLE"} 2097152\nother 5\n'
    expect(metricSumKib(text, 'query_duckdb_memory_bytes')).toBe(3072)
    expect(metricSumKib(text, 'ingest_duckdb_memory_bytes')).toBeUndefined()
  })
})
