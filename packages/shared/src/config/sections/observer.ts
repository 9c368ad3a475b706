import { z } from 'zod'

// [observer]: how observerd runs review checks (DESIGN §9, ADR-015).
export const observerSectionSchema = z.strictObject({
  /** Deadline of one check's SQL at queryd; past it the review is cycle + degraded (check_timeout). */
  check_timeout_ms: z.number().int().positive().default(10_000),
  /** Rows a check may return; a row_count or contains check that hits it is cycle (truncated). */
  max_rows: z.number().int().positive().default(10_000),
  /**
   * LH_OBSERVER_FAIL_OPEN=1: a degraded cycle becomes accept (still degraded: true). Development
   * only: observerd refuses to start with it on a non-loopback bind.
   */
  fail_open: z.boolean().default(false),
})
