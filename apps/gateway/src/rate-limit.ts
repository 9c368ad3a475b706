import { createHash } from 'node:crypto'
import rateLimit from '@fastify/rate-limit'
import { type Config, RateLimited } from '@lakehouse/shared'
import type { FastifyInstance, FastifyRequest } from 'fastify'

// Rate limits at the edge (DESIGN §4, ADR-013): a client may send gateway.rate_limit_max requests
// per rate_limit_window_ms. A client is its bearer token, kept only as a SHA-256 digest, or its
// address when it sends none (local mode). The check runs after auth, so a request counts against
// the token it proved. Health checks are exempt: an operator must always be able to look.

const EXEMPT_ROUTES = new Set(['/health', '/health/:daemon'])

function clientKey(req: FastifyRequest): string {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (match?.[1]) return `token:${createHash('sha256').update(match[1], 'utf8').digest('hex')}`
  return `address:${req.ip}`
}

/** Registers the limit for every route added after it (the plugin attaches itself on onRoute). */
export async function registerRateLimit(app: FastifyInstance, gateway: Config['gateway']): Promise<void> {
  if (gateway.rate_limit_max === 0) return
  await app.register(rateLimit, {
    global: true,
    max: gateway.rate_limit_max,
    timeWindow: gateway.rate_limit_window_ms,
    keyGenerator: clientKey,
    allowList: (req) => EXEMPT_ROUTES.has(req.routeOptions.url ?? ''),
    errorResponseBuilder: (_req, context) =>
      new RateLimited(
        `rate limit of ${context.max} requests per ${gateway.rate_limit_window_ms / 1000} s exceeded; retry in ${context.after}`,
      ),
  })
}
