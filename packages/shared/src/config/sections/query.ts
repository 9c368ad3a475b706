import { z } from 'zod'

// [query]: queryd's limits, its DuckDB sandbox and Parquet access (DESIGN §8, ADR-007).
export const querySectionSchema = z.strictObject({
  default_timeout_ms: z.number().int().positive().default(30_000),
  max_timeout_ms: z.number().int().positive().default(300_000),
  default_max_rows: z.number().int().positive().default(10_000),
  /** Cap on the largest max_rows a request may ask for. */
  max_rows_cap: z.number().int().positive().default(1_000_000),
  /** SQL text above this many bytes is refused with 413 before anything parses it. */
  max_sql_bytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /**
   * What one query's answer may hold: json answers 413 result_too_large past it before anything is
   * sent; ndjson and csv end with an error line, arrow with a broken stream (ADR-007).
   */
  max_result_bytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  memory_limit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i, 'a size like 2GB')
    .default('2GB'),
  threads: z.number().int().positive().default(2),
  access_mode: z.enum(['cache', 'httpfs']).default('cache'),
  /**
   * Where the freshness check asks whether a dataset moved (ADR-021, ADR-034): "auto" reads
   * storaged's folder itself while it is proven to be on this host, else HEADs through storaged;
   * "storaged" always HEADs through storaged.
   */
  freshness_probe: z.enum(['auto', 'storaged']).default('auto'),
  /** Local Parquet cache; unset means <paths.data_dir>/cache/query. */
  cache_dir: z.string().min(1).optional(),
  cache_max_bytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024 * 1024),
  /** Data files one query downloads at once when they are not cached (ADR-021). */
  fetch_concurrency: z.number().int().positive().default(8),
  /** Bytes of accepted statement-guard verdicts kept by SQL text; 0 turns the cache off (ADR-021). */
  guard_cache_bytes: z
    .number()
    .int()
    .nonnegative()
    .default(4 * 1024 * 1024),
  /**
   * Idle DuckDB connections kept between queries, each with its prepared statements (ADR-025); a
   * query takes one or opens one, so this bounds what is kept, not how many queries run. 0: off.
   */
  pool_connections: z.number().int().nonnegative().default(8),
  /** Prepared statements kept per pooled connection, least recently used dropped first (ADR-025). */
  pool_statements: z.number().int().positive().default(32),
  /**
   * DuckDB's Parquet metadata cache: footers kept between queries. Off: it saved nothing measurable
   * on one 1M-row file nor on 200 small files (ADR-021, docs/BENCHMARKS.md "Query").
   */
  parquet_metadata_cache: z.boolean().default(false),
  /**
   * DuckDB's external file cache: a copy in memory of the bytes it read from files. The Parquet
   * cache is a local folder already in the OS page cache, so it is off by default (ADR-021).
   */
  external_file_cache: z.boolean().default(false),
})
