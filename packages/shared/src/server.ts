import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
  type RawServerDefault,
} from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { hasToken, registerAuth } from './auth.ts'
import { writeClientError } from './client-errors.ts'
import type { Config } from './config/schema.ts'
import { registerCrossSiteGuard } from './cross-site.ts'
import { errorBody, registerErrorHandlers } from './error-handler.ts'
import { InvalidRequest } from './errors.ts'
import { type ReadyChecks, registerHealth } from './health.ts'
import { loggerOptions } from './logging.ts'
import { isLoopbackHost } from './loopback.ts'
import { registerMetrics } from './metrics.ts'
import { runWithRequestId } from './request-context.ts'
import { registerRequestLog } from './request-log.ts'

// The one server factory (DESIGN §2.6): every daemon gets the same request ids, logs, error shape,
// health and readiness routes, zod validation and auth from here, and adds only its own routes.

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>

export interface CreateServerOptions {
  service: string
  config: Config
  readyChecks?: ReadyChecks
  /** Overrides server.body_limit_bytes, for daemons whose JSON bodies are larger by nature. */
  bodyLimitBytes?: number
  /**
   * Parse bodies labelled application/x-www-form-urlencoded as JSON (default true): that is what
   * `curl -d '{...}'` sends, and the API has no form bodies. The gateway turns it off: it parses
   * nothing and forwards bytes as they came.
   */
  isCurlJsonAccepted?: boolean
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID()
}

export function createServer(options: CreateServerOptions): App {
  const { service, config } = options
  const { server } = config
  const app = Fastify({
    logger: loggerOptions(service, config),
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    // One line per request from registerRequestLog instead of Fastify's two (ADR-014).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? config.server.body_limit_bytes,
    // Stop accepting on close, let in-flight requests finish, drop idle keep-alive sockets at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false },
    // Slow clients are cut off (ADR-013): headers and the whole request each have a deadline,
    // checked every timeout_check_interval_ms; idle keep-alive connections close.
    http: {
      headersTimeout: server.headers_timeout_ms,
      requestTimeout: server.request_timeout_ms,
      connectionsCheckingInterval: server.timeout_check_interval_ms,
    },
    requestTimeout: server.request_timeout_ms,
    keepAliveTimeout: server.keep_alive_timeout_ms,
    // Bytes Node's parser refuses still get the one error shape.
    clientErrorHandler: writeClientError,
    // A URL the router cannot decode (%zz, overlong UTF-8) still gets the one error shape.
    frameworkErrors: (err, req, reply) => {
      const raw = reply as unknown as FastifyReply
      raw
        .header('x-request-id', req.id)
        .status(400)
        .send(errorBody(new InvalidRequest(err.message), req.id))
    },
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  if (options.isCurlJsonAccepted ?? true) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'error'),
    )
  }
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id)
    runWithRequestId(req.id, done)
  })
  registerRequestLog(app)
  registerErrorHandlers(app)
  registerCrossSiteGuard(app, {
    isLocalMode: !hasToken(config.auth),
    isLoopbackBound: isLoopbackHost(config.server.host),
  })
  registerAuth(app, config.auth)
  registerHealth(app, service, options.readyChecks ?? {})
  registerMetrics(app, service)
  return app
}
