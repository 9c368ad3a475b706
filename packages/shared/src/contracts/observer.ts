import { z } from 'zod'
import { defineRoute } from './route.ts'

// The observer API (DESIGN §9 "Reviews", ADR-015): a claim, the SQL check that decides it, and the
// stored verdict. A review is evidence: it keeps the check, the catalog generation it ran against
// and its input hash, so it can be fetched and re-checked later.

/** A value a check may expect: compared by the type of the check's first column (ADR-015). */
export const ExpectedValue = z.union([z.string().max(4096), z.number(), z.boolean()])
export type ExpectedValue = z.infer<typeof ExpectedValue>

export const CompareOp = z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte'])
export type CompareOp = z.infer<typeof CompareOp>

export const Expectation = z.discriminatedUnion('op', [
  z.strictObject({ op: CompareOp, value: ExpectedValue }),
  z.strictObject({ op: z.literal('row_count'), value: z.number().int().nonnegative() }),
  z.strictObject({ op: z.literal('contains'), values: z.array(ExpectedValue).min(1).max(10_000) }),
])
export type Expectation = z.infer<typeof Expectation>

const SqlParam = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const Check = z.strictObject({
  sql: z
    .string()
    .min(1)
    .max(64 * 1024),
  expect: Expectation,
  params: z.union([z.array(SqlParam), z.record(z.string(), SqlParam)]).optional(),
})
export type Check = z.infer<typeof Check>

export const ReviewRequest = z.strictObject({
  claim: z.string().trim().min(1).max(4096),
  check: Check,
  /** Free-form provenance (agent, task, run id); stored with the review, not hashed. */
  context: z.record(z.string(), z.unknown()).optional(),
})
export type ReviewRequest = z.infer<typeof ReviewRequest>

export const Verdict = z.enum(['accept', 'reject', 'cycle'])
export type Verdict = z.infer<typeof Verdict>

/** Stable codes for why a verdict is what it is (ADR-015). */
export const ReviewReason = z.enum([
  'claim_holds',
  'claim_false',
  'empty_result',
  'null_value',
  'type_mismatch',
  'truncated',
  'catalog_moved',
  'queryd_unavailable',
  'check_timeout',
  'statement_not_allowed',
  'sql_error',
  'generation_unavailable',
  'observer_error',
])
export type ReviewReason = z.infer<typeof ReviewReason>

export const Review = z.strictObject({
  review_id: z.string(),
  verdict: Verdict,
  /** True when the observer could not check (queryd down, timeout, refused, its own error). */
  degraded: z.boolean(),
  reason: ReviewReason,
  /** Human words for the reason; set when fail-open turned a degraded cycle into accept. */
  detail: z.string(),
  fail_open: z.boolean(),
  claim: z.string(),
  check: Check,
  evidence: z.strictObject({ sql: z.string(), observed: z.unknown(), expected: z.unknown() }),
  /** Catalog generation the check ran against; null when it could not be read. */
  generation: z.number().int().nullable(),
  input_hash: z.string(),
  context: z.record(z.string(), z.unknown()).optional(),
  created_at: z.string(),
})
export type Review = z.infer<typeof Review>

export const ReviewIdParams = z.strictObject({ id: z.string().min(1).max(128) })

export const observerRoutes = {
  createReview: defineRoute({
    method: 'POST',
    url: '/v1/observer/reviews',
    scope: 'write',
    summary: 'check a claim against SQL truth and store the verdict',
    body: ReviewRequest,
    response: Review,
  }),
  getReview: defineRoute({
    method: 'GET',
    url: '/v1/observer/reviews/:id',
    scope: 'read',
    summary: 'a stored review, as it was answered',
    params: ReviewIdParams,
    response: Review,
  }),
} as const
