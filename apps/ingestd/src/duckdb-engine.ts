import { DuckDBInstance } from '@duckdb/node-api'

// The one DuckDB instance of an ingestd process (ADR-006); every ingest takes its own connection.
// It converts uploads only: extensions are never fetched or loaded at run time, memory is capped
// and anything over the cap spills to the ingest temp folder, not to RAM.

export interface EngineOptions {
  tmpDir: string
  memoryLimit: string
  threads?: number
}

export async function openEngine(options: EngineOptions): Promise<DuckDBInstance> {
  return DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit,
    temp_directory: options.tmpDir,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(options.threads ? { threads: String(options.threads) } : {}),
  })
}
