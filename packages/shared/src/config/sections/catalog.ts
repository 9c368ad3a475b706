import { z } from 'zod'

// [catalog]: catalogd's commit protocol and vacuum.
export const catalogSectionSchema = z.strictObject({
  /** Unreferenced data files younger than this are kept: an ingest may be about to commit them. */
  vacuum_grace_ms: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60 * 1000),
})
