import { z } from 'zod'

// [ingest]: ingestd's upload cap, temp folder, output file size and DuckDB limits (ADR-006).
export const ingestSectionSchema = z.strictObject({
  max_upload_bytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024 * 1024),
  /** Temp folder for uploads and conversions; unset means <paths.data_dir>/tmp/ingest. */
  tmp_dir: z.string().min(1).optional(),
  /** Target size of one Parquet data file; an upload converts to as many as it needs. Keep it under storage.max_object_bytes. */
  max_file_bytes: z
    .number()
    .int()
    .positive()
    .default(128 * 1024 * 1024),
  /** DuckDB memory_limit for conversions (it spills to the temp folder beyond it). */
  duckdb_memory_limit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 1GB or 512MiB')
    .default('1GB'),
  /** DuckDB worker threads; unset means DuckDB's default (one per core). */
  duckdb_threads: z.number().int().positive().optional(),
})
