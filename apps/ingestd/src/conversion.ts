import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { ParseError, quoteIdent, quoteLiteral } from '@lakehouse/shared'
import type { SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
import type { SourceFormat } from '@lakehouse/shared/contracts/ingest.ts'
import { parquetCopyOptions } from '@lakehouse/shared/parquet-writer.ts'
import { type CsvOptions, readerSql } from './source-format.ts'

// Upload → Parquet with DuckDB (ADR-006): DESCRIBE the reader for the upload's schema, then one
// COPY that writes ZSTD Parquet files of at most maxFileBytes each, columns in the planned order and
// types. Errors DuckDB raises about the input become 400 parse_error with the line when it gives
// one; our temp paths never appear in a message.

export interface UploadSource {
  format: SourceFormat
  path: string
  csv?: CsvOptions
  /** A table holding the parsed upload (stageUpload), read instead of the file. */
  table?: string
}

/**
 * Uploads up to this size are parsed once into a connection-local temp table, which DESCRIBE and
 * COPY then read: one sniff and one parse instead of two of each, the larger share of a small
 * ingest (ADR-023). Larger uploads are read from the file twice, so memory stays DuckDB's
 * streaming buffers rather than the whole table.
 */
export const STAGED_UPLOAD_MAX_BYTES = 16 * 1024 * 1024
const STAGED_TABLE = 'lh_staged_upload'

/** What reads the upload: its staged table, or the reader of its file. */
function relationOf(source: UploadSource): string {
  return source.table ?? readerSql(source.format, source.path, source.csv)
}

/** `source` staged into a temp table of `conn` when it is small (STAGED_UPLOAD_MAX_BYTES), else as given. */
export async function stageUpload(conn: DuckDBConnection, source: UploadSource, bytes: number): Promise<UploadSource> {
  if (bytes > STAGED_UPLOAD_MAX_BYTES) return source
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${STAGED_TABLE} AS SELECT * FROM ${relationOf(source)}`)
  } catch (err) {
    throw toParseError(err, source)
  }
  return { ...source, table: STAGED_TABLE }
}

export interface ParquetFile {
  path: string
  rows: number
  bytes: number
}

const INPUT_ERROR = /^(Invalid Input|Conversion|Binder|Parser|Invalid) Error/
const LINE = /(?:on line|in line|line):?\s*(\d+)/i

export function toParseError(err: unknown, source: UploadSource): unknown {
  const message = (err as Error)?.message ?? ''
  if (!INPUT_ERROR.test(message)) return err
  const firstLine = (message.split('\n', 1)[0] ?? '').replaceAll(source.path, '<upload>').slice(0, 300)
  const line = LINE.exec(message)?.[1]
  const where = line ? ` at line ${line}` : ''
  return new ParseError(`cannot read the upload as ${source.format}${where}: ${firstLine}`, {
    issues: line ? [{ path: `line ${line}`, message: firstLine }] : undefined,
  })
}

async function describe(conn: DuckDBConnection, reader: string): Promise<SchemaField[]> {
  const result = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`)
  return result.getRowObjectsJson().map((row) => ({
    name: String(row.column_name),
    type: String(row.column_type),
    nullable: row.null !== 'NO',
  }))
}

/**
 * A file whose rows disagree on their field count makes the sniffer fall back to one column named
 * after the whole header line. Read it again with the header's delimiter and fixed columns, so that
 * DuckDB names the first ragged line.
 */
async function assertNotRagged(conn: DuckDBConnection, source: UploadSource, schema: SchemaField[]): Promise<void> {
  const only = schema.length === 1 ? schema[0]?.name : undefined
  const delimiter = only === undefined ? undefined : [',', ';', '\t', '|'].find((d) => only.includes(d))
  if (source.format !== 'csv' || source.csv?.delimiter !== undefined || !only || !delimiter) return
  const columns = only.split(delimiter).map((name) => `${quoteLiteral(name)}: 'VARCHAR'`)
  const strict = `read_csv(${quoteLiteral(source.path)}, delim=${quoteLiteral(delimiter)}, header=true, auto_detect=false, columns={${columns.join(', ')}})`
  await conn.run(`SELECT count(*) FROM ${strict}`)
  throw new ParseError(`rows have different numbers of fields: no delimiter fits every line (try delimiter=)`)
}

/** Blank lines only: the sniffer makes one nameless column of it. Refused like the 0-byte body. */
async function assertNotBlank(conn: DuckDBConnection, source: UploadSource, schema: SchemaField[]): Promise<void> {
  if (source.format !== 'csv' || schema.length !== 1 || schema[0]?.name !== 'column0') return
  const count = await conn.runAndReadAll(`SELECT count(*) AS n FROM ${relationOf(source)} WHERE column0 IS NOT NULL`)
  if (Number(count.getRows()[0]?.[0]) === 0)
    throw new ParseError('the upload is empty (blank lines only): nothing to ingest')
}

export async function describeUpload(conn: DuckDBConnection, source: UploadSource): Promise<SchemaField[]> {
  try {
    const schema = await describe(conn, relationOf(source))
    await assertNotRagged(conn, source, schema)
    await assertNotBlank(conn, source, schema)
    return schema
  } catch (err) {
    throw toParseError(err, source)
  }
}

/** Writes the upload as Parquet under outputDir, as `target` says (order, and types where widened). */
export async function writeParquet(
  conn: DuckDBConnection,
  source: UploadSource,
  uploaded: readonly SchemaField[],
  target: readonly SchemaField[],
  outputDir: string,
  maxFileBytes: number,
): Promise<ParquetFile[]> {
  const uploadedType = new Map(uploaded.map((f) => [f.name, f.type]))
  // Only widened numeric columns are cast, and to a type of the fixed widening list: a type name
  // from a manifest is never spliced into SQL.
  const select = target.map((f) => {
    const column = quoteIdent(f.name)
    return uploadedType.get(f.name) === f.type ? column : `CAST(${column} AS ${widenedType(f.type)}) AS ${column}`
  })
  const reader = relationOf(source)
  const copy = `COPY (SELECT ${select.join(', ')} FROM ${reader}) TO ${quoteLiteral(outputDir)} (${parquetCopyOptions(maxFileBytes)})`
  let written: number
  try {
    written = Number((await conn.runAndReadAll(copy)).getRows()[0]?.[0] ?? 0)
  } catch (err) {
    throw toParseError(err, source)
  }
  return listParquetFiles(conn, outputDir, written)
}

const WIDENED_TYPES = new Set(['SMALLINT', 'INTEGER', 'BIGINT', 'DOUBLE'])

function widenedType(type: string): string {
  if (!WIDENED_TYPES.has(type)) throw new Error(`refusing to cast to ${JSON.stringify(type)}`)
  return type
}

/** The files COPY wrote, in order, with their rows: COPY's own count when it wrote one file. */
async function listParquetFiles(conn: DuckDBConnection, outputDir: string, written: number): Promise<ParquetFile[]> {
  const names = (await readdir(outputDir)).filter((n) => n.endsWith('.parquet'))
  names.sort((a, b) => fileIndex(a) - fileIndex(b))
  const files: ParquetFile[] = []
  for (const name of names) {
    const path = join(outputDir, name)
    if (names.length === 1) {
      files.push({ path, rows: written, bytes: (await stat(path)).size })
      break
    }
    const meta = await conn.runAndReadAll(
      `SELECT num_rows::BIGINT AS rows FROM parquet_file_metadata(${quoteLiteral(path)})`,
    )
    const rows = Number(meta.getRowObjectsJson()[0]?.rows ?? 0)
    files.push({ path, rows, bytes: (await stat(path)).size })
  }
  return files
}

function fileIndex(name: string): number {
  return Number(/(\d+)\.parquet$/.exec(name)?.[1] ?? 0)
}
