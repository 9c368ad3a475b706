// One class per failure mode, each with its HTTP status and its stable snake_case code (DESIGN §5).
// The server factory maps any LakehouseError to the one error shape; the HTTP client maps the shape
// back to the same class, so a typed error survives a hop between daemons.

export interface ErrorIssue {
  path: string
  message: string
}

export interface ErrorBody {
  error: { code: string; message: string; request_id: string; issues?: ErrorIssue[] }
}

export class LakehouseError extends Error {
  readonly status: number = 500
  readonly code: string = 'internal_error'
  readonly issues: ErrorIssue[] | undefined
  /** Extra response headers this error needs (e.g. WWW-Authenticate). */
  readonly headers: Record<string, string> = {}

  constructor(message: string, options?: { issues?: ErrorIssue[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.issues = options?.issues
  }
}

export class InvalidRequest extends LakehouseError {
  override readonly status = 400
  override readonly code = 'invalid_request'
}
export class InvalidKey extends LakehouseError {
  override readonly status = 400
  override readonly code = 'invalid_key'
}
export class InvalidName extends LakehouseError {
  override readonly status = 400
  override readonly code = 'invalid_name'
}
export class ParseError extends LakehouseError {
  override readonly status = 400
  override readonly code = 'parse_error'
}
export class SqlError extends LakehouseError {
  override readonly status = 400
  override readonly code = 'sql_error'
}
export class Unauthorized extends LakehouseError {
  override readonly status = 401
  override readonly code = 'unauthorized'
  override readonly headers = { 'www-authenticate': 'Bearer realm="lakehouse"' }
}
export class Forbidden extends LakehouseError {
  override readonly status = 403
  override readonly code = 'forbidden'
}
export class CrossOriginRefused extends LakehouseError {
  override readonly status = 403
  override readonly code = 'cross_origin_refused'
}
export class StatementNotAllowed extends LakehouseError {
  override readonly status = 403
  override readonly code = 'statement_not_allowed'
}
export class NotFound extends LakehouseError {
  override readonly status = 404
  override readonly code = 'not_found'
}
export class MethodNotAllowed extends LakehouseError {
  override readonly status = 405
  override readonly code = 'method_not_allowed'
}
/** A request this API declares but does not serve (the Iceberg REST catalog's writes, ADR-016). */
export class NotSupported extends LakehouseError {
  override readonly status = 406
  override readonly code = 'not_supported'
}
export class Conflict extends LakehouseError {
  override readonly status = 409
  override readonly code = 'conflict'
}
export class VersionConflict extends LakehouseError {
  override readonly status = 409
  override readonly code = 'version_conflict'
}
/** A compaction's input files are no longer all in the latest version (a replace, delete or rival compaction won). */
export class CompactionConflict extends LakehouseError {
  override readonly status = 409
  override readonly code = 'compaction_conflict'
}
export class SchemaMismatch extends LakehouseError {
  override readonly status = 409
  override readonly code = 'schema_mismatch'
}
export class AlreadyExists extends LakehouseError {
  override readonly status = 409
  override readonly code = 'already_exists'
}
export class IdempotencyKeyReused extends LakehouseError {
  override readonly status = 409
  override readonly code = 'idempotency_key_reused'
}
export class TraceNotLive extends LakehouseError {
  override readonly status = 409
  override readonly code = 'trace_not_live'
}
export class CycleDetected extends LakehouseError {
  override readonly status = 409
  override readonly code = 'cycle_detected'
}
export class ReviewNotAccepted extends LakehouseError {
  override readonly status = 409
  override readonly code = 'review_not_accepted'
}
export class RequestTimeout extends LakehouseError {
  override readonly status = 408
  override readonly code = 'request_timeout'
}
export class PreconditionFailed extends LakehouseError {
  override readonly status = 412
  override readonly code = 'precondition_failed'
}
export class PayloadTooLarge extends LakehouseError {
  override readonly status = 413
  override readonly code = 'payload_too_large'
}
/** A query's answer is larger than query.max_result_bytes (the request was fine, the answer is not sent). */
export class ResultTooLarge extends LakehouseError {
  override readonly status = 413
  override readonly code = 'result_too_large'
}
export class UnsupportedMediaType extends LakehouseError {
  override readonly status = 415
  override readonly code = 'unsupported_media_type'
}
export class RangeNotSatisfiable extends LakehouseError {
  override readonly status = 416
  override readonly code = 'range_not_satisfiable'
}
export class TooManyRequests extends LakehouseError {
  override readonly status = 429
  override readonly code = 'too_many_requests'
}
export class RateLimited extends LakehouseError {
  override readonly status = 429
  override readonly code = 'rate_limited'
}
export class HeadersTooLarge extends LakehouseError {
  override readonly status = 431
  override readonly code = 'headers_too_large'
}
export class UnknownModel extends LakehouseError {
  override readonly status = 400
  override readonly code = 'unknown_model'
}
export class ProviderError extends LakehouseError {
  override readonly status = 502
  override readonly code = 'provider_error'
}
/** A peer answered, but not in its contract's shape (a stored object without an etag): its bug, not ours. */
export class UpstreamProtocolError extends LakehouseError {
  override readonly status = 502
  override readonly code = 'upstream_protocol_error'
}
export class InternalError extends LakehouseError {
  override readonly status = 500
  override readonly code = 'internal_error'
}
export class UpstreamUnavailable extends LakehouseError {
  override readonly status = 503
  override readonly code = 'upstream_unavailable'
}
export class UpstreamTimeout extends LakehouseError {
  override readonly status = 504
  override readonly code = 'upstream_timeout'
}
export class QueryTimeout extends LakehouseError {
  override readonly status = 504
  override readonly code = 'query_timeout'
}
/** The query engine ran out of its memory budget: the server's limit, not a fault in the SQL. */
export class OutOfMemory extends LakehouseError {
  override readonly status = 503
  override readonly code = 'out_of_memory'
}

type ErrorClass = new (message: string, options?: { issues?: ErrorIssue[] }) => LakehouseError

const byCode: Record<string, ErrorClass> = Object.fromEntries(
  [
    InvalidRequest,
    InvalidKey,
    InvalidName,
    ParseError,
    SqlError,
    Unauthorized,
    Forbidden,
    StatementNotAllowed,
    NotFound,
    MethodNotAllowed,
    NotSupported,
    Conflict,
    VersionConflict,
    CompactionConflict,
    SchemaMismatch,
    AlreadyExists,
    IdempotencyKeyReused,
    TraceNotLive,
    CycleDetected,
    ReviewNotAccepted,
    UnknownModel,
    ProviderError,
    UpstreamProtocolError,
    CrossOriginRefused,
    RequestTimeout,
    RateLimited,
    HeadersTooLarge,
    PreconditionFailed,
    PayloadTooLarge,
    ResultTooLarge,
    UnsupportedMediaType,
    RangeNotSatisfiable,
    TooManyRequests,
    InternalError,
    UpstreamUnavailable,
    UpstreamTimeout,
    QueryTimeout,
    OutOfMemory,
  ].map((cls) => [new cls('').code, cls]),
)

/** Turns a peer's error body back into the typed error it was raised as. */
export function errorFromBody(status: number, body: unknown): LakehouseError {
  const error = (body as Partial<ErrorBody> | undefined)?.error
  const cls = error && typeof error.code === 'string' ? byCode[error.code] : undefined
  const message = typeof error?.message === 'string' ? error.message : `upstream answered ${status}`
  if (cls) return new cls(message, error?.issues ? { issues: error.issues } : undefined)
  return statusError(status, message)
}

/** The generic error for a bare HTTP status (Fastify's own 4xx, a peer without the error shape). */
export function statusError(status: number, message: string): LakehouseError {
  switch (status) {
    case 400:
      return new InvalidRequest(message)
    case 401:
      return new Unauthorized(message)
    case 403:
      return new Forbidden(message)
    case 404:
      return new NotFound(message)
    case 405:
      return new MethodNotAllowed(message)
    case 409:
      return new Conflict(message)
    case 408:
      return new RequestTimeout(message)
    case 412:
      return new PreconditionFailed(message)
    case 413:
      return new PayloadTooLarge(message)
    case 415:
      return new UnsupportedMediaType(message)
    case 416:
      return new RangeNotSatisfiable(message)
    case 429:
      return new TooManyRequests(message)
    case 431:
      return new HeadersTooLarge(message)
    case 503:
      return new UpstreamUnavailable(message)
    case 504:
      return new UpstreamTimeout(message)
    default:
      return status >= 400 && status < 500 ? new InvalidRequest(message) : new InternalError('internal error')
  }
}
