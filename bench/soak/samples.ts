// The shapes the samplers record during a soak (pure data: the checks and the report read them).

/** RSS of every daemon at one moment, in KiB, `tMs` after the load began. */
export interface RssSample {
  tMs: number
  kib: Record<string, number>
  /** V8 heap as committed (heap_size_total: what the heap holds of RSS, garbage included) and memory
   * held outside it (Buffers, ArrayBuffers), from each daemon's /metrics, in KiB: what RSS grows by
   * beyond them is native (DuckDB, hnswlib, the allocator). */
  heapKib?: Record<string, number>
  /** Of the heap, V8's young generation as committed: a young generation V8 shrank promotes what
   * is in flight to the old one, where it waits for a major collection (ADR-036). */
  newSpaceKib?: Record<string, number>
  externalKib?: Record<string, number>
  /** DuckDB's own memory (duckdb_memory(), all tags) of the daemons that embed it (queryd, ingestd):
   * the part of native growth that is the engine's buffer pool rather than the allocator. */
  duckdbKib?: Record<string, number>
}

/** The catalog's size at one moment, next to how much data had been acknowledged by then. */
export interface CatalogSample {
  tMs: number
  /** Sum of object sizes under catalog/ (the storage listing). */
  catalogBytes: number
  catalogObjects: number
  /** Sum of object sizes under iceberg/ (Iceberg metadata derived from the catalog, ADR-016). */
  icebergBytes: number
  /** Sum of object sizes under datasets/ (data files, orphans included). */
  dataBytes: number
  /** Rows of acknowledged ingests so far (the harness's own ledger). */
  ackedRows: number
  /** Per dataset: the latest version, its file count and row count (its manifest). */
  datasets: Record<string, { version: number; files: number; rows: number }>
}

/** What the end check found, per dataset and for the objects. */
export interface EndCheck {
  datasets: Record<string, { expectedRows: number; queriedRows: number | null; manifestRows: number | null }>
  /** Ingests whose outcome stayed unknown even after retries with their Idempotency-Key. */
  unresolvedIngests: number
  objects: { acknowledged: number; intact: number; missing: number; corrupt: number }
}

/** The group-by at equal data, measured once the load is over (ADR-029): p50 in ms. */
export interface QueryAtEqualData {
  /** Live files per dataset at the end. */
  files: Record<string, number>
  /** Through the gateway over the soaked datasets, the stack idle. */
  gateway_p50_ms: number
  /** In-process DuckDB (queryd's sandbox settings) over the same live files. */
  inprocess_soaked_files_p50_ms: number
  /** In-process DuckDB over the same rows rewritten into one file per dataset. */
  inprocess_one_file_p50_ms: number
}
