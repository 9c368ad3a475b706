import { describe, expect, it } from 'vitest'
import { checkFlatRss } from '../../bench/soak/checks.ts'
import { warmupMinutesOf } from '../../bench/soak/plan.ts'
import type { RssSample } from '../../bench/soak/samples.ts'

// Flat memory (issue 18): after warm-up, no daemon's RSS rises more than 10 % above its level when
// warm-up ended: the top of its swings in the window after warm-up (ADR-033). Growth during
// warm-up and a fall afterwards are not failures; a swing is not growth; a leak is.

const MB = 1024
const series = (values: number[]): RssSample[] =>
  values.map((v, i) => ({ tMs: i * 60_000, kib: { queryd: v * MB, catalogd: 100 * MB } }))

describe('soak-flat-rss-after-warmup', () => {
  it('passes a daemon that grew during warm-up only, then held within 10 %', () => {
    const result = checkFlatRss(series([100, 300, 320, 329, 310]), 60_000)
    expect(result.pass).toBe(true)
  })

  it('fails a daemon that rose 11 % after warm-up, and names it', () => {
    const result = checkFlatRss(series([100, 300, 320, 333, 310]), 60_000)
    expect(result.pass).toBe(false)
    expect(result.detail).toContain('growing: queryd')
    expect(result.detail).not.toContain('growing: queryd, catalogd')
  })

  it('does not count a fall as growth', () => {
    expect(checkFlatRss(series([300, 300, 200, 150]), 60_000).pass).toBe(true)
  })

  it('does not count the swings of a heap as growth when warm-up ends in a dip', () => {
    // Every 10 s: 330 MB tops and 250 MB dips, warm-up (60 s) ending on a dip.
    const swings = Array.from({ length: 60 }, (_, i) => ({
      tMs: i * 10_000,
      kib: { catalogd: (i % 3 === 0 ? 250 : 330) * MB },
    }))
    const result = checkFlatRss(swings, 60_000)
    expect(result.pass).toBe(true)
    expect(result.detail).toContain('from one sample +32.0 %')
  })

  it('fails a leak that starts after warm-up, swings and all', () => {
    // The same swings on a floor that climbs 2 % a minute from the end of warm-up (+18 % in all).
    const leak = Array.from({ length: 60 }, (_, i) => ({
      tMs: i * 10_000,
      kib: { catalogd: (i % 3 === 0 ? 250 : 330) * (1 + Math.max(0, i - 6) / 300) * MB },
    }))
    expect(checkFlatRss(leak, 60_000).pass).toBe(false)
  })

  it('refuses to judge with fewer than two samples after warm-up', () => {
    expect(checkFlatRss(series([100, 100]), 60_000).pass).toBe(false)
  })

  it('warms up for a sixth of the run, at least a minute', () => {
    expect(warmupMinutesOf(30)).toBe(5)
    expect(warmupMinutesOf(10)).toBe(2)
    expect(warmupMinutesOf(3)).toBe(1)
  })
})
