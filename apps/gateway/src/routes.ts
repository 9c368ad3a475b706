import proxy from '@fastify/http-proxy'
import { type Config, errorBody, type PeerDaemon, peerUrl, ROUTE_PREFIXES } from '@lakehouse/shared'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { upstreamError } from './upstream-errors.ts'

// One @fastify/http-proxy registration per owned prefix: the path is forwarded unchanged, bodies
// stream both ways (no parsing at the gateway), connections are pooled keep-alive by undici.

export interface ProxyOptions {
  /** How long the gateway waits for a daemon's response headers. */
  timeoutMs: number
}

export function sendUpstreamError(reply: FastifyReply, daemon: string, error: unknown): void {
  const mapped = upstreamError(daemon, error)
  reply.log.warn({ daemon, err: error }, 'upstream failed')
  reply
    .status(mapped.status)
    .headers({ 'content-type': 'application/json; charset=utf-8' })
    .send(errorBody(mapped, reply.request.id))
}

export async function registerProxies(app: FastifyInstance, config: Config, options: ProxyOptions): Promise<void> {
  for (const [daemon, prefixes] of Object.entries(ROUTE_PREFIXES) as Array<[PeerDaemon, readonly string[]]>) {
    for (const prefix of prefixes) {
      await app.register(proxy, {
        upstream: peerUrl(config, daemon),
        prefix,
        rewritePrefix: prefix,
        undici: {
          connections: 128,
          pipelining: 1,
          keepAliveTimeout: 10_000,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        replyOptions: {
          // Daemons see the gateway's request id, so one id follows a request through every log.
          rewriteRequestHeaders: (req, headers) => {
            // undici does not do `Expect: 100-continue` (curl sends it for bodies over 1 MiB); the
            // gateway has already accepted the body, so the header has nothing left to ask.
            const { expect: _expect, ...rest } = headers
            return { ...rest, 'x-request-id': req.id }
          },
          onError: (reply, { error }) => sendUpstreamError(reply as FastifyReply, daemon, error),
          // A daemon's own 503 is an answer to pass on, not a reason to retry.
          retryDelay: () => null,
        },
      })
    }
  }
}
