import {
  LakehouseError,
  QueryTimeout,
  SqlError,
  StatementNotAllowed,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '@lakehouse/shared'
import type { ReviewReason } from '@lakehouse/shared/contracts/observer.ts'

// Why a check could not run, from whatever was thrown while running it (ADR-015). Every failure
// maps to a reason; there is no branch that maps a failure to a decision about the claim.

export class CheckTimedOut extends Error {}

export function reasonOfFailure(err: unknown): ReviewReason {
  if (err instanceof CheckTimedOut || err instanceof QueryTimeout || err instanceof UpstreamTimeout)
    return 'check_timeout'
  if (err instanceof StatementNotAllowed) return 'statement_not_allowed'
  if (err instanceof SqlError) return 'sql_error'
  if (err instanceof UpstreamUnavailable) return 'queryd_unavailable'
  return 'observer_error'
}

/** A short message for the review's detail: typed errors carry safe words, anything else does not. */
export function describeFailure(err: unknown): string {
  if (err instanceof LakehouseError) return `${err.code}: ${err.message}`
  if (err instanceof CheckTimedOut) return err.message
  return 'the observer failed while checking'
}
