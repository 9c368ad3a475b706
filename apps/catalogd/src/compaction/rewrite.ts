import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { quoteIdent, quoteLiteral } from '@lakehouse/shared'
import type { SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
import { parquetCopyOptions } from '@lakehouse/shared/parquet-writer.ts'

// Local Parquet files in, fewer Parquet files near the target size out, same rows in the same order
// (ADR-022). One DuckDB instance per pass, closed after it, so an idle catalogd holds no DuckDB
// memory; one thread and a memory limit (spilling to the temp folder), so a background pass leaves
// the machine to queries. The writer options are ingest's (parquetCopyOptions).

export interface RewriteOptions {
  targetBytes: number
  memoryLimit: string
  threads: number
  /** DuckDB's spill folder. */
  spillDir: string
}

export interface WrittenFile {
  path: string
  rows: number
  bytes: number
}

/** The numeric types an append may widen a column to (ingest's schema rules): the only casts written. */
const WIDENED_TYPES = new Set(['SMALLINT', 'INTEGER', 'BIGINT', 'DOUBLE'])

/**
 * The columns in the dataset's order, as the dataset's types where an older file holds a narrower
 * one; a column no input file has stays absent (readers union files by name, as they did before).
 * Type names from a manifest reach SQL only from the fixed widening list.
 */
function selectList(schema: readonly SchemaField[], found: Map<string, string>): string[] {
  const columns = schema.filter((f) => found.has(f.name))
  const known = new Set(schema.map((f) => f.name))
  const extra = [...found.keys()].filter((name) => !known.has(name))
  return [
    ...columns.map((f) => {
      const column = quoteIdent(f.name)
      const isWidened = found.get(f.name) !== f.type && WIDENED_TYPES.has(f.type)
      return isWidened ? `CAST(${column} AS ${f.type}) AS ${column}` : column
    }),
    ...extra.map(quoteIdent),
  ]
}

async function describe(conn: DuckDBConnection, reader: string): Promise<Map<string, string>> {
  const result = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`)
  return new Map(result.getRowObjectsJson().map((row) => [String(row.column_name), String(row.column_type)]))
}

async function listWritten(conn: DuckDBConnection, outputDir: string): Promise<WrittenFile[]> {
  const index = (name: string) => Number(/(\d+)\.parquet$/.exec(name)?.[1] ?? 0)
  const names = (await readdir(outputDir)).filter((n) => n.endsWith('.parquet')).sort((a, b) => index(a) - index(b))
  const files: WrittenFile[] = []
  for (const name of names) {
    const path = join(outputDir, name)
    const meta = await conn.runAndReadAll(
      `SELECT num_rows::BIGINT AS rows FROM parquet_file_metadata(${quoteLiteral(path)})`,
    )
    files.push({ path, rows: Number(meta.getRowObjectsJson()[0]?.rows ?? 0), bytes: (await stat(path)).size })
  }
  return files
}

/** Rewrites `inputs` (in this order) into `outputDir`, which must not exist yet. */
export async function rewriteParquet(
  inputs: readonly string[],
  schema: readonly SchemaField[],
  outputDir: string,
  options: RewriteOptions,
): Promise<WrittenFile[]> {
  // Loaded on the first pass, not at start-up: the library alone is ~30 MB of resident memory that a
  // catalogd which never compacts should not carry.
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const engine = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit,
    threads: String(options.threads),
    temp_directory: options.spillDir,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  })
  try {
    const conn = await engine.connect()
    try {
      const reader = `read_parquet([${inputs.map(quoteLiteral).join(', ')}], union_by_name = true)`
      const select = selectList(schema, await describe(conn, reader))
      await conn.run(
        `COPY (SELECT ${select.join(', ')} FROM ${reader}) TO ${quoteLiteral(outputDir)} (${parquetCopyOptions(options.targetBytes)})`,
      )
      return await listWritten(conn, outputDir)
    } finally {
      conn.closeSync()
    }
  } finally {
    engine.closeSync()
  }
}
