import { describe, expect, it } from 'vitest'
import { planOf } from '../../bench/soak/plan.ts'

// `./lh soak [minutes] [--quick]`: 30 minutes by default, 3 with --quick, 8 clients; anything
// else is refused with the usage line rather than run as something the caller did not ask for.

describe('soak-plan', () => {
  it('reads the duration and derives the warm-up', () => {
    expect(planOf([])).toEqual({ minutes: 30, warmupMinutes: 5, clients: 8 })
    expect(planOf(['--quick'])).toEqual({ minutes: 3, warmupMinutes: 1, clients: 8 })
    expect(planOf(['10'])).toMatchObject({ minutes: 10, warmupMinutes: 2 })
  })

  it('refuses what it does not understand', () => {
    expect(() => planOf(['--quik'])).toThrow(/usage/)
    expect(() => planOf(['1'])).toThrow(/usage/)
  })
})
