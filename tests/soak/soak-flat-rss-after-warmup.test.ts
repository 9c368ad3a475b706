import { describe, expect, it } from 'vitest'
import { checkFlatRss } from '../../bench/soak/checks.ts'
import { warmupMinutesOf } from '../../bench/soak/plan.ts'
import type { RssSample } from '../../bench/soak/samples.ts'

// Flat memory (issue 18): after warm-up, no daemon's RSS rises more than 10 % above its value when
// warm-up ended. Growth during warm-up and a fall afterwards are not failures.

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

  it('refuses to judge with fewer than two samples after warm-up', () => {
    expect(checkFlatRss(series([100, 100]), 60_000).pass).toBe(false)
  })

  it('warms up for a sixth of the run, at least a minute', () => {
    expect(warmupMinutesOf(30)).toBe(5)
    expect(warmupMinutesOf(10)).toBe(2)
    expect(warmupMinutesOf(3)).toBe(1)
  })
})
