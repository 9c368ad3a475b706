import { z } from 'zod'

// [catalog]: catalogd's commit protocol, manifest cache and vacuum (ADR-005, ADR-020).
export const catalogSectionSchema = z.strictObject({
  /** Unreferenced data files younger than this are kept: an ingest may be about to commit them. */
  vacuum_grace_ms: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60 * 1000),
  /** Lost create-only races a commit re-applies before it gives up with 409 version_conflict. */
  max_commit_attempts: z.number().int().positive().default(64),
  /**
   * Bytes of committed manifests and stored versions kept in memory (immutable facts, so the cache
   * never goes stale; ADR-020). Reported in /ready details and the catalog_cache_bytes gauge.
   */
  manifest_cache_bytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /**
   * A version whose number is a multiple of this is followed by a full-state checkpoint object, so
   * reading any version replays at most this many commit entries (ADR-020).
   */
  checkpoint_interval: z.number().int().positive().default(100),
  /**
   * Where other engines read the objects, prefix of every path in Iceberg metadata (ADR-016).
   * Unset: s3://<bucket> with s3; with fs, the gateway's object route http://<host>:<port>/v1/storage/objects
   * (files on disk carry storaged's trailer, so file:// would not give a reader the object's bytes).
   */
  iceberg_warehouse: z
    .string()
    .regex(/^(s3a?:\/\/|https?:\/\/)\S+$/, 'an s3://, s3a:// or http(s):// URI')
    .optional(),
})
