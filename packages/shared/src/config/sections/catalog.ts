import { z } from 'zod'

// [catalog]: catalogd's commit protocol, manifest cache and vacuum (ADR-005, ADR-020), compaction (ADR-022).
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
  /** Size compaction writes files at (ADR-022); a file under half of it counts as small. Keep it under storage.max_object_bytes. */
  compaction_target_bytes: z
    .number()
    .int()
    .positive()
    .default(128 * 1024 * 1024),
  /** A commit that leaves a dataset with more small files than this starts a compaction in the background. */
  compaction_min_files: z.number().int().positive().default(32),
  /** false: compaction runs only when asked (POST /v1/catalog/datasets/<name>/compact). */
  compaction_auto: z.boolean().default(true),
  /** DuckDB memory_limit of a compaction (it spills to the temp folder beyond it). */
  compaction_duckdb_memory_limit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 1GB or 512MiB')
    .default('256MB'),
  /** DuckDB worker threads of a compaction: one, so a background rewrite leaves the other cores to queries. */
  compaction_duckdb_threads: z.number().int().positive().default(1),
  /**
   * Where other engines read the objects, prefix of every path in Iceberg metadata (ADR-016).
   * Unset: s3://<bucket> with s3; with fs, the gateway's object route http://<host>:<port>/v1/storage/objects
   * (files on disk carry storaged's trailer, so file:// would not give a reader the object's bytes).
   */
  /**
   * Previous v<N>.metadata.json files kept per Iceberg table besides the current one (Iceberg's
   * write.metadata.previous-versions-max); older ones, and the manifest lists and manifests only
   * they reference, are deleted after each pass (ADR-016, amended for metadata retention). At
   * least the 10 the current file's metadata-log names.
   */
  iceberg_previous_versions_max: z.number().int().min(10).default(100),
  iceberg_warehouse: z
    .string()
    .regex(/^(s3a?:\/\/|https?:\/\/)\S+$/, 'an s3://, s3a:// or http(s):// URI')
    .optional(),
})
