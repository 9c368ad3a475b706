import { describe, expect, it } from 'vitest'
import { checkCatalogLinear, checkQueryTrend, middleSample } from '../../bench/soak/checks.ts'
import { downsample, memorySplit, sparkline } from '../../bench/soak/report.ts'
import type { CatalogSample } from '../../bench/soak/samples.ts'
import type { MinuteStats } from '../../bench/soak/stats.ts'

// Catalog bytes proportional to the data: per acknowledged row, the catalog at the end is within
// 1.25 × what it was when half the data was in (a catalog quadratic in commits doubles it). Query
// p50 of the last minute within 2 × the first minute's.

const sample = (ackedRows: number, catalogBytes: number, tMs = 0): CatalogSample => ({
  tMs,
  catalogBytes,
  catalogObjects: 0,
  icebergBytes: 0,
  dataBytes: 0,
  ackedRows,
  datasets: {},
})

describe('soak-catalog-linear', () => {
  it('passes a catalog that grows with the data, fails one that grows with the square of the commits', () => {
    const commits = [0, 10, 50, 100, 150, 200]
    const linear = commits.map((c, i) => sample(c * 200, 5_000 + c * 1_000, i))
    const quadratic = commits.map((c, i) => sample(c * 200, c * c * 100, i))
    expect(checkCatalogLinear(linear).pass).toBe(true)
    const result = checkCatalogLinear(quadratic)
    expect(result.pass).toBe(false)
    expect(result.detail).toContain('× 2.00')
  })

  it('takes the middle by data, not by time', () => {
    // a system that slowed down: half the rows were in after the first sample of four
    const samples = [sample(500, 1, 0), sample(700, 1, 1), sample(800, 1, 2), sample(1_000, 1, 3)]
    expect(middleSample(samples)?.tMs).toBe(0)
  })
})

describe('soak-query-trend', () => {
  const minutes = (p50s: (number | null)[]): MinuteStats[] =>
    p50s.map((p50, minute) => ({ minute, count: 1, statuses: {}, p50_ms: p50, p99_ms: p50 }))

  it('passes at 2 × the first minute and fails above it, or without a query to compare', () => {
    expect(checkQueryTrend(minutes([100, 150, 200])).pass).toBe(true)
    expect(checkQueryTrend(minutes([100, 150, 201])).pass).toBe(false)
    expect(checkQueryTrend(minutes([100, 150, null])).pass).toBe(false)
  })
})

describe('soak-rss-chart', () => {
  it('scales a series between its own min and max', () => {
    expect(sparkline([100, 100, 100])).toBe('▁▁▁')
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█')
    expect(sparkline([10, 80])).toBe('▁█')
  })
})

describe('soak-rss-chart-keeps-peaks', () => {
  it('downsamples a long series to the chart width, each point the peak of its neighbours', () => {
    const series = Array.from({ length: 180 }, (_, i) => (i === 100 ? 999 : 1))
    const chart = downsample(series, 60)
    expect(chart).toHaveLength(60)
    expect(Math.max(...chart)).toBe(999)
    expect(downsample([1, 2, 3], 60)).toEqual([1, 2, 3])
  })
})

describe('soak-memory-split', () => {
  it('splits RSS growth after warm-up into heap, external and native', () => {
    const at = (tMs: number, rss: number, heap: number, external: number) => ({
      tMs,
      kib: { queryd: rss * 1024 },
      heapKib: { queryd: heap * 1024 },
      externalKib: { queryd: external * 1024 },
    })
    const [line] = memorySplit([at(0, 100, 10, 1), at(60_000, 200, 20, 5), at(120_000, 300, 30, 15)], 60_000)
    expect(line).toMatch(/RSS +\+100 MB = heap +\+10 \+ external +\+10 \+ native +\+80/)
  })
})
