import { describe, expect, it } from 'vitest'
import { type SoakResult, summaryText } from '../../bench/soak/report.ts'
import { perMinute } from '../../bench/soak/stats.ts'

// The printed summary names every criterion with PASS or FAIL and the figures behind it, and shows
// the per-minute table, the RSS chart and the catalog table, so a run can be read without the JSON.

function result(): SoakResult {
  const records = [{ op: 'query' as const, startMs: 1_000, status: 200, ms: 12 }]
  return {
    started_at: '2026-11-26T04:00:00.000Z',
    minutes: 2,
    warmup_minutes: 1,
    clients: 8,
    load_average: { start: 'load average: 1.00', end: 'load average: 2.00' },
    operations: {} as SoakResult['operations'],
    per_minute: perMinute(records, 2),
    ingests: { acked: 3, refused: 0, unknown: 0 },
    bad_reads_during_load: 0,
    error_samples: { 'query 503': ['{"error":{"code":"upstream_unavailable"}}'] },
    rss: [
      { tMs: 0, kib: { queryd: 100 * 1024 } },
      { tMs: 60_000, kib: { queryd: 200 * 1024 } },
    ],
    catalog: [
      {
        tMs: 0,
        catalogBytes: 1e6,
        catalogObjects: 2,
        icebergBytes: 0,
        dataBytes: 0,
        ackedRows: 600,
        datasets: { soak_a: { version: 1, files: 1, rows: 200 } },
      },
    ],
    end_check: {
      datasets: {},
      unresolvedIngests: 0,
      objects: { acknowledged: 0, intact: 0, missing: 0, corrupt: 0 },
    },
    criteria: [
      { name: '0 lost', pass: true, detail: 'all counted' },
      { name: 'query p50', pass: false, detail: '10 ms → 30 ms' },
    ],
    query_at_equal_data: {
      files: { soak_a: 32 },
      gateway_p50_ms: 70,
      inprocess_soaked_files_p50_ms: 60,
      inprocess_one_file_p50_ms: 50,
    },
    daemon_warnings: { queryd: 0 },
    sampler_failures: [],
  }
}

describe('soak-report-says-each-criterion', () => {
  it('prints every criterion with its verdict and figures, and each section', () => {
    const text = summaryText(result())
    expect(text).toContain('PASS  0 lost: all counted')
    expect(text).toContain('FAIL  query p50: 10 ms → 30 ms')
    expect(text).toMatch(/query +1 +1 {2}200:1 +12/)
    expect(text).toContain('queryd  ▁█  100 → 200 → 200 MB')
    expect(text).toContain('soak_a=1 (v1)')
    expect(text).toContain('query 503: {"error":{"code":"upstream_unavailable"}}')
    expect(text).toContain(
      'history cost (same files / one file) × 1.20; system overhead (gateway − in-process) 10.0 ms',
    )
  })

  it('says where native growth is DuckDB when the daemon reports it', () => {
    const r = result()
    r.rss = [
      { tMs: 0, kib: { queryd: 100 * 1024 }, heapKib: { queryd: 50 * 1024 }, externalKib: { queryd: 0 } },
      {
        tMs: 60_000,
        kib: { queryd: 200 * 1024 },
        heapKib: { queryd: 50 * 1024 },
        externalKib: { queryd: 0 },
        duckdbKib: { queryd: 10 * 1024 },
      },
      {
        tMs: 120_000,
        kib: { queryd: 300 * 1024 },
        heapKib: { queryd: 60 * 1024 },
        externalKib: { queryd: 0 },
        duckdbKib: { queryd: 90 * 1024 },
      },
    ]
    expect(summaryText(r)).toMatch(/native +\+90 \(of it DuckDB \+80, 90 MB at end\)/)
  })
})
