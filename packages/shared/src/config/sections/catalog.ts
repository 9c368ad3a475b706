import { z } from 'zod'

// [catalog]: catalogd's commit protocol, manifest cache and vacuum (ADR-005).
export const catalogSectionSchema = z.strictObject({
  /** Unreferenced data files younger than this are kept: an ingest may be about to commit them. */
  vacuum_grace_ms: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60 * 1000),
  /** Lost create-only races a commit re-applies before it gives up with 409 version_conflict. */
  max_commit_attempts: z.number().int().positive().default(64),
  /** Committed manifests kept in memory (they are immutable, so the cache never goes stale). */
  manifest_cache_entries: z.number().int().positive().default(10_000),
  /**
   * The storage root as other engines name it, prefix of every path in Iceberg metadata (ADR-016).
   * Unset: file://<storage root> with the fs backend, s3://<bucket> with s3.
   */
  iceberg_warehouse: z
    .string()
    .regex(/^(file:\/\/|s3a?:\/\/|https?:\/\/)\S+$/, 'a file://, s3://, s3a:// or http(s):// URI')
    .optional(),
})
