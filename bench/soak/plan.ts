// What `./lh soak [minutes] [--quick]` asks for, and how long its warm-up is. Pure, so tested.

export const DEFAULT_MINUTES = 30
export const QUICK_MINUTES = 3
export const CLIENTS = 8

export interface SoakPlan {
  minutes: number
  /** RSS is judged from the end of warm-up: a sixth of the run, at least a minute (5 of 30, 1 of 3). */
  warmupMinutes: number
  clients: number
}

export function warmupMinutesOf(minutes: number): number {
  return Math.max(1, Math.round(minutes / 6))
}

export function planOf(args: readonly string[]): SoakPlan {
  let minutes = DEFAULT_MINUTES
  for (const arg of args) {
    if (arg === '--quick') minutes = QUICK_MINUTES
    else if (/^\d+$/.test(arg) && Number(arg) >= 2) minutes = Number(arg)
    else throw new Error(`usage: ./lh soak [minutes ≥ 2] [--quick]  (got "${arg}")`)
  }
  return { minutes, warmupMinutes: warmupMinutesOf(minutes), clients: CLIENTS }
}
