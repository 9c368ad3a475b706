import type { DuckDBInstance } from '@duckdb/node-api'

// What ingestd's DuckDB holds against its configured limit (ingest.duckdb_memory_limit), for /ready
// and the metrics (issue 18, ADR-023). DuckDB's buffers are ingestd's only cache-like memory; the
// limit bounds them, and anything over it spills to the ingest temp folder.

export interface EngineMemory {
  used_bytes: number
  temp_bytes: number
  memory_limit: string
}

export async function engineMemory(engine: DuckDBInstance): Promise<EngineMemory> {
  const conn = await engine.connect()
  try {
    const result = await conn.runAndReadAll(
      `SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT, coalesce(sum(temporary_storage_bytes), 0)::BIGINT,
              current_setting('memory_limit') FROM duckdb_memory()`,
    )
    const [used, temp, limit] = result.getRows()[0] ?? []
    return { used_bytes: Number(used ?? 0), temp_bytes: Number(temp ?? 0), memory_limit: String(limit ?? '') }
  } finally {
    conn.closeSync()
  }
}
