import type { FastifyInstance } from 'fastify'

// GET /health is liveness: plain text `<service> ok`, nothing else, no dependency touched.
// GET /ready runs the daemon's dependency checks and answers 200 when all pass, 503 otherwise.

export type ReadyCheck = () => Promise<unknown>
export type ReadyChecks = Record<string, ReadyCheck>

/** A check that resolves to readyDetails(x) shows x under its name in /ready (ok or not). */
const DETAILS = Symbol('ready details')
export function readyDetails(details: Record<string, unknown>): { [DETAILS]: Record<string, unknown> } {
  return { [DETAILS]: details }
}

const CHECK_TIMEOUT_MS = 2_000

async function runCheck(
  check: ReadyCheck,
): Promise<{ ok: true; details?: Record<string, unknown> } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
  })
  try {
    const value = await Promise.race([check(), timeout])
    if (value !== null && typeof value === 'object' && DETAILS in value) {
      return { ok: true, details: (value as { [DETAILS]: Record<string, unknown> })[DETAILS] }
    }
    return { ok: true }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

export function registerHealth(app: FastifyInstance, service: string, checks: ReadyChecks): void {
  app.get('/health', async (_req, reply) => {
    reply.type('text/plain; charset=utf-8')
    return `${service} ok`
  })
  app.get('/ready', async (_req, reply) => {
    const names = Object.keys(checks)
    const results = await Promise.all(names.map((name) => runCheck(checks[name] as ReadyCheck)))
    const byName = Object.fromEntries(names.map((name, i) => [name, results[i]]))
    const ready = results.every((r) => r.ok)
    reply.status(ready ? 200 : 503)
    return { service, ready, checks: byName }
  })
}

/** Ready checks that a peer daemon answers its /health. */
export function peerReadyChecks(
  peers: ReadonlyArray<{ service: string; health: () => Promise<unknown> }>,
): ReadyChecks {
  return Object.fromEntries(peers.map((peer) => [peer.service, () => peer.health()]))
}
