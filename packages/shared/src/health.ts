import type { FastifyInstance } from 'fastify'
import { healthRoutes } from './contracts/health.ts'
import { routeOptions } from './contracts/route.ts'

// GET /health is liveness: plain text `<service> ok`, nothing else, no dependency touched.
// GET /ready runs the daemon's dependency checks and answers 200 when all pass, 503 otherwise.
// Each check gets an AbortSignal.timeout: at the deadline the answer is "not ready" and the check
// itself is cancelled (a peer's /health request is aborted), not left running behind the answer.

export type ReadyCheck = (signal: AbortSignal) => Promise<unknown>
export type ReadyChecks = Record<string, ReadyCheck>

/** A check that resolves to readyDetails(x) shows x under its name in /ready. */
const DETAILS = Symbol('ready details')
export function readyDetails(details: Record<string, unknown>): { [DETAILS]: Record<string, unknown> } {
  return { [DETAILS]: details }
}

export const CHECK_TIMEOUT_MS = 2_000

export async function runCheck(
  check: ReadyCheck,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<{ ok: true; details?: Record<string, unknown> } | { ok: false; error: string }> {
  const signal = AbortSignal.timeout(timeoutMs)
  const deadline = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true })
  })
  try {
    const value = await Promise.race([check(signal), deadline])
    if (value !== null && typeof value === 'object' && DETAILS in value) {
      return { ok: true, details: (value as { [DETAILS]: Record<string, unknown> })[DETAILS] }
    }
    return { ok: true }
  } catch (err) {
    if (signal.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms` }
    return { ok: false, error: (err as Error).message }
  }
}

export function registerHealth(app: FastifyInstance, service: string, checks: ReadyChecks): void {
  app.route({
    ...routeOptions(healthRoutes.health),
    handler: async (_req, reply) => {
      reply.type('text/plain; charset=utf-8')
      return `${service} ok`
    },
  })
  app.route({
    ...routeOptions(healthRoutes.ready),
    handler: async (_req, reply) => {
      const names = Object.keys(checks)
      const results = await Promise.all(names.map((name) => runCheck(checks[name] as ReadyCheck)))
      const byName = Object.fromEntries(names.map((name, i) => [name, results[i]]))
      const ready = results.every((r) => r.ok)
      reply.status(ready ? 200 : 503)
      return { service, ready, checks: byName }
    },
  })
}

/** Ready checks that a peer daemon answers its /health. */
export function peerReadyChecks(
  peers: ReadonlyArray<{ service: string; health: (signal?: AbortSignal) => Promise<unknown> }>,
): ReadyChecks {
  return Object.fromEntries(peers.map((peer) => [peer.service, (signal: AbortSignal) => peer.health(signal)]))
}
