import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import {
  type ErrorBody,
  type ErrorIssue,
  InternalError,
  InvalidRequest,
  LakehouseError,
  NotFound,
  PayloadTooLarge,
  statusError,
} from './errors.ts'

// Every error leaves a daemon in the one shape of DESIGN §5. A LakehouseError keeps its own status,
// code and message; a Fastify error keeps its 4xx status; anything else is a 500 whose body says
// nothing but "internal error" and the request id (the log has the rest).

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
}

function validationIssues(
  err: { validation: Array<{ instancePath: string; message?: string }> },
  context?: string,
): ErrorIssue[] {
  const prefix = context ? (CONTEXT_NAMES[context] ?? context) : undefined
  return err.validation.map((v) => {
    const segments = v.instancePath.split('/').filter(Boolean)
    return { path: [prefix, ...segments].filter(Boolean).join('.'), message: v.message ?? 'invalid' }
  })
}

export function toLakehouseError(err: unknown): LakehouseError {
  if (err instanceof LakehouseError) return err
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as FastifyError).validationContext
    const issues = validationIssues(err, context)
    const where = context ? (CONTEXT_NAMES[context] ?? context) : 'request'
    return new InvalidRequest(
      `invalid ${where}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    )
  }
  const fastifyError = err as Partial<FastifyError>
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new PayloadTooLarge('request body is larger than the limit')
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return statusError(status, fastifyError.message ?? 'bad request')
  }
  return new InternalError('internal error')
}

export function errorBody(err: LakehouseError, requestId: string): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      request_id: requestId,
      ...(err.issues ? { issues: err.issues } : {}),
    },
  }
}

/** How much of a refused upload a daemon reads and drops so that its client sees the answer. */
const LINGER_MAX_BYTES = 64 * 1024 * 1024

/**
 * Fastify closes the connection when it refuses a body it has not read (413 on a body over the
 * limit), and a close with unread bytes in the socket is a TCP reset that can destroy the answer
 * before the client, still uploading, reads it: the gateway saw EPIPE and answered 503 (ADR-013).
 * Instead the rest of the body is read and dropped, up to LINGER_MAX_BYTES, and the connection
 * stays open; beyond that the connection is cut, as nothing else bounds a client that keeps sending.
 */
function lingerOnRefusedBody(req: FastifyRequest, reply: FastifyReply): void {
  if (req.raw.complete || reply.getHeader('connection') !== 'close') return
  reply.removeHeader('connection')
  let drained = 0
  req.raw.on('data', (chunk: Buffer) => {
    drained += chunk.length
    if (drained > LINGER_MAX_BYTES) req.raw.socket.destroy()
  })
  req.raw.resume()
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const mapped = toLakehouseError(err)
    lingerOnRefusedBody(req, reply)
    // Only our own failures (500) are errors with a stack; a peer down or a query that ran out of
    // time (502-504) is an expected condition, logged as a warning without the trace.
    if (mapped.status === 500) req.log.error({ err }, 'request failed')
    else if (mapped.status > 500) req.log.warn({ code: mapped.code, msg: mapped.message }, 'request failed upstream')
    else req.log.info({ code: mapped.code, msg: mapped.message }, 'request refused')
    reply.status(mapped.status).headers(mapped.headers).send(errorBody(mapped, req.id))
  })
  app.setNotFoundHandler((req, reply) => {
    const err = new NotFound(`no route for ${req.method} ${req.url.split('?', 1)[0]}`)
    reply.status(404).send(errorBody(err, req.id))
  })
}
