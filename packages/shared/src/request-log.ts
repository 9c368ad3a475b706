import type { FastifyInstance } from 'fastify'

// One JSON line per request, written when the answer is sent (ADR-014): service and request id come
// from the logger's bindings, then the method and URL (credentials redacted by the req serializer),
// the matched route's pattern (so journald can be grouped by route, not by every distinct URL), the
// status and the duration. Fastify's own two lines per request are turned off in the server factory.

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (req, reply, done) => {
    const line = {
      req,
      route: req.routeOptions.url ?? null,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    }
    if (reply.statusCode >= 500) req.log.warn(line, 'request')
    else req.log.info(line, 'request')
    done()
  })
}
