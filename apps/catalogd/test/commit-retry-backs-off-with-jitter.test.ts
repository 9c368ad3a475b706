import { describe, expect, it } from 'vitest'
import { BACKOFF_MAX_MS, backoffMs } from '../src/backoff.ts'

// Rule (ADR-012): a commit that lost a race waits a jittered, growing, capped time before it
// tries again, so colliding writers spread out instead of retrying in lock-step.

describe('commit retry back-off', () => {
  it('is drawn uniformly below a cap that doubles per lost race', () => {
    expect(backoffMs(1, () => 0.999)).toBe(3)
    expect(backoffMs(3, () => 0.999)).toBe(15)
    expect(backoffMs(1, () => 0)).toBe(0)
    expect(backoffMs(3, () => 0.5)).toBe(8)
  })

  it('never exceeds the cap, however many races were lost', () => {
    expect(backoffMs(60, () => 0.999999)).toBeLessThan(BACKOFF_MAX_MS)
  })

  it('is jittered: writers that lost the same race do not all wait the same time', () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(6)))
    expect(waits.size).toBeGreaterThan(5)
  })
})
