import { setTimeout as sleep } from 'node:timers/promises'

// How long a commit that lost a race waits before it re-reads and re-applies (ADR-012): "full
// jitter" (a uniform draw below an exponentially growing cap), so writers that collided once
// spread out instead of colliding again in lock-step. The first retries wait a few milliseconds:
// a lost race means another commit just landed, not that storage is slow.

export const BACKOFF_BASE_MS = 2
export const BACKOFF_MAX_MS = 250

/** The wait after the `attempt`-th lost race (1-based): uniform in [0, min(max, base·2^attempt)). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return Math.floor(random() * cap)
}

export function backOff(attempt: number): Promise<void> {
  return sleep(backoffMs(attempt))
}
