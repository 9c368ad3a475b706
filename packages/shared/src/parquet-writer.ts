// The one Parquet writer (DESIGN §2.6): the options of the DuckDB COPY that writes every data file,
// whether an ingest converts an upload (ADR-006) or catalogd's compactor rewrites small files
// (ADR-022), so files from both paths read the same.

/** `COPY … TO <dir> (<these>)`: ZSTD Parquet, cut into files of about `maxFileBytes` each. */
export function parquetCopyOptions(maxFileBytes: number): string {
  return `FORMAT parquet, COMPRESSION zstd, FILE_SIZE_BYTES ${Math.floor(maxFileBytes)}`
}
