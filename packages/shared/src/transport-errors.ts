import { type LakehouseError, UpstreamTimeout, UpstreamUnavailable } from './errors.ts'

// The one place a transport failure (a peer, a provider or an object store that could not be
// reached or did not answer) is classified (DESIGN §5): a timeout is 504 upstream_timeout; refused,
// reset, DNS and unreachable are 503 upstream_unavailable. Used by the shared HTTP client, the
// gateway's proxy, embedd's providers and storaged's S3 backend, so the same socket error gives the
// same answer whichever daemon meets it. A connect timeout is "unreachable": nothing was sent.

export type TransportFailure = 'refused' | 'reset' | 'timeout' | 'dns' | 'unreachable'

const BY_CODE: Record<string, TransportFailure> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'unreachable',
  ETIMEDOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
}

interface ErrorLike {
  code?: unknown
  name?: unknown
  cause?: ErrorLike
  errors?: ErrorLike[]
}

function codesOf(err: unknown): string[] {
  const e = (err ?? {}) as ErrorLike
  const found: string[] = []
  for (const candidate of [e, e.cause, e.errors?.[0], e.cause?.cause]) {
    if (typeof candidate?.code === 'string') found.push(candidate.code)
    if (typeof candidate?.name === 'string') found.push(candidate.name)
  }
  return found
}

/** What kind of transport failure `err` is (its code may sit on the error, its cause or an
 * AggregateError's first error), or undefined when it is not one. */
export function classifyTransport(err: unknown): TransportFailure | undefined {
  for (const code of codesOf(err)) {
    const kind = BY_CODE[code]
    if (kind) return kind
    // AbortSignal.timeout() and the AWS SDK both name their deadline TimeoutError.
    if (code === 'TimeoutError') return 'timeout'
  }
  return undefined
}

/** The typed error for a transport failure talking to `peer`, or undefined when `err` is not one. */
export function transportError(err: unknown, peer: string): LakehouseError | undefined {
  const kind = classifyTransport(err)
  if (kind === undefined) return undefined
  if (kind === 'timeout') return new UpstreamTimeout(`${peer} did not answer in time`)
  return new UpstreamUnavailable(`${peer} is unavailable (${kind})`)
}
