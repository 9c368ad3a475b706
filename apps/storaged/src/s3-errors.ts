import {
  InternalError,
  LakehouseError,
  NotFound,
  PreconditionFailed,
  transportError,
  UpstreamUnavailable,
} from '@lakehouse/shared'

// S3 SDK errors turned into storaged's typed errors. Only the error's name and HTTP status are
// kept: an SDK error can carry request signatures, access key ids and endpoint details, and none
// of that may reach a client or a log line through us (DESIGN §5: a 5xx never leaks a credential).

interface SdkError {
  name?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
}

export function s3Status(err: unknown): number | undefined {
  return (err as SdkError).$metadata?.httpStatusCode
}

export function s3ErrorName(err: unknown): string {
  const e = err as SdkError
  return String(e.name ?? e.code ?? 'Error').replace(/[^A-Za-z0-9_.-]/g, '')
}

export function isS3NotFound(err: unknown): boolean {
  const name = s3ErrorName(err)
  return s3Status(err) === 404 || name === 'NoSuchKey' || name === 'NotFound'
}

export function isS3PreconditionFailed(err: unknown): boolean {
  // 409 ConditionalRequestConflict: AWS lost a race between two conditional writes; the caller
  // re-reads and retries exactly as after a 412.
  const name = s3ErrorName(err)
  return s3Status(err) === 412 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict'
}

/** A safe, typed error for `err`; `what` names the operation and key, never a credential. */
export function fromS3Error(err: unknown, what: string): LakehouseError {
  if (err instanceof LakehouseError) return err
  const name = s3ErrorName(err)
  if (isS3NotFound(err)) return new NotFound(`${what}: no such object`)
  if (isS3PreconditionFailed(err)) return new PreconditionFailed(`${what}: precondition failed (${name})`)
  const transport = transportError(err, `${what}: object store`)
  if (transport) return transport
  const status = s3Status(err)
  if (status === 403 || status === 401) return new UpstreamUnavailable(`${what}: object store refused access (${name})`)
  if (status !== undefined && status >= 500) return new UpstreamUnavailable(`${what}: object store failed (${name})`)
  return new InternalError(`${what}: object store error (${name})`)
}
