import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import {
  type Config,
  type PeerDaemon,
  peerUrls,
  ROUTE_PREFIXES,
  sendToReplicas,
  upstreamDispatcher,
} from '@lakehouse/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import { endToEndHeaders } from '../hop-by-hop.ts'
import { upstreamError } from '../upstream-errors.ts'

// Every /v1/<prefix>/… request is forwarded to the daemon that owns the prefix (ADR-013):
//  - the request target goes out byte for byte as the client sent it (req.raw.url: no URL parsing,
//    no dot-segment removal, no re-encoding), so a path means the same at the gateway and at its
//    daemon (DESIGN §4);
//  - bodies stream both ways unparsed; hop-by-hop headers stay at their hop;
//  - whatever the daemon answers is what the client gets: 503/504 only when no answer came.
// One undici dispatcher per daemon: a Pool, or undici's BalancedPool over its replicas (ADR-017).
// A request goes to another replica only when its connection failed before the daemon was sent
// anything (refused, connect timeout): once a body has started to stream it cannot be sent again,
// and a daemon that took the request may have acted on it.

export interface ForwardOptions {
  /** How long the gateway waits for a daemon's response headers, and between two body chunks. */
  timeoutMs: number
}

/** Request headers the gateway never forwards: undici sets Host, and it does not do 100-continue. */
const NOT_FORWARDED = ['host', 'expect']

function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length']
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/** The client's upload for one attempt, and whether that attempt started reading it. */
interface AttemptBody {
  body: PassThrough
  started: () => boolean
}

/**
 * The client's upload as undici's request body. undici destroys the body it was given when the
 * daemon answers before reading all of it; given the client's own request stream, that would reset
 * the client's connection under the answer. So undici gets a PassThrough, and once it lets go of it
 * the rest of the client's body is read and dropped: the client, still writing into an open socket,
 * reads the answer (413, 401, …). A client that goes away mid-upload takes the forwarded request
 * with it (pipe alone would leave the daemon waiting on a body that never ends).
 */
function forwardedBody(raw: IncomingMessage): AttemptBody {
  // Nothing is read from the client until undici reads the body, i.e. once connected: an attempt
  // whose connection was refused leaves the upload untouched for the next replica.
  let started = false
  const body = new PassThrough({
    read(size) {
      if (!started) {
        started = true
        raw.pipe(body)
      }
      PassThrough.prototype._read.call(this, size)
    },
  })
  body.once('close', () => {
    if (!started || raw.complete) return
    raw.unpipe(body)
    raw.resume()
  })
  raw.once('close', () => {
    if (!raw.complete) body.destroy(new Error('client closed the connection mid-upload'))
  })
  return { body, started: () => started }
}

async function forward(
  pool: Dispatcher,
  replicas: number,
  daemon: PeerDaemon,
  options: ForwardOptions,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const raw = req.raw
  const headers = { ...endToEndHeaders(raw.headers, NOT_FORWARDED), 'x-request-id': req.id }
  // The body of the latest attempt: a new one per attempt, over the same untouched upload.
  const latest: { body: AttemptBody | null } = { body: null }
  const attempt = () => {
    const body = hasBody(raw) ? forwardedBody(raw) : null
    latest.body = body
    return pool.request({
      method: req.method as Dispatcher.HttpMethod,
      path: raw.url ?? '/',
      headers,
      body: body?.body ?? null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    })
  }
  let upstream: Dispatcher.ResponseData
  try {
    // Up to twice per replica: BalancedPool lowers a refusing replica's weight, it does not drop it.
    upstream = await sendToReplicas(replicas > 1 ? 2 * replicas : 1, attempt, () => !latest.body?.started())
  } catch (error) {
    latest.body?.body.destroy()
    req.log.warn({ daemon, err: error }, 'upstream failed')
    throw upstreamError(daemon, error)
  }
  return reply
    .status(upstream.statusCode)
    .headers(endToEndHeaders(upstream.headers, ['x-request-id']))
    .send(upstream.body)
}

export async function registerForwarding(app: FastifyInstance, config: Config, options: ForwardOptions): Promise<void> {
  await app.register(async (scope) => {
    // Bodies are forwarded as they came: nothing is parsed, so no body limit applies here (each
    // daemon enforces its own).
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null))
    for (const [daemon, prefixes] of Object.entries(ROUTE_PREFIXES) as Array<[PeerDaemon, readonly string[]]>) {
      const replicas = peerUrls(config, daemon)
      const pool = upstreamDispatcher(replicas, { connections: 128, pipelining: 1, keepAliveTimeout: 10_000 })
      scope.addHook('onClose', async () => pool.close())
      const handler = (req: FastifyRequest, reply: FastifyReply) =>
        forward(pool, replicas.length, daemon, options, req, reply)
      for (const prefix of prefixes) {
        scope.all(prefix, handler)
        scope.all(`${prefix}/*`, handler)
      }
    }
  })
}
