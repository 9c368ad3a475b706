import { Readable } from 'node:stream'
import type { DuckDBValue, Json } from '@duckdb/node-api'
import { InternalError, LakehouseError } from '@lakehouse/shared'
import type { QueryFormat, QueryResult } from '@lakehouse/shared/contracts/query.ts'
import { stringify as stringifyCsv } from 'csv-stringify/sync'
import { arrowStream } from './arrow-format.ts'
import type { QueryRun } from './query-engine.ts'
import { convertJson } from './values.ts'

// The text formats of a query result (DESIGN §5): `json` is one document and so is built whole (it
// is bounded by max_rows and query.max_result_bytes, and fails before anything is sent); `ndjson`
// and `csv` are generated batch by batch as DuckDB produces them, and an answer that fails after its
// first bytes ends with an error line (ADR-007) instead of looking whole.

export const CONTENT_TYPES: Record<QueryFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
}

/** The json format's document: the contract's QueryResult, rows as DuckDB's JSON values. */
export type JsonResult = Omit<QueryResult, 'rows'> & { rows: Json[][] }

/** Host paths out of every string of a converted value (ADR-007). */
function redactJson(value: Json, redact: (text: string) => string): Json {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {}
    for (const [key, item] of Object.entries(value)) out[redact(key)] = redactJson(item, redact)
    return out
  }
  return value
}

function convertRow(run: QueryRun, row: DuckDBValue[]): Json[] {
  return row.map((value, i) => redactJson(convertJson(value, run.types[i]!), run.redactText))
}

export async function collectJson(run: QueryRun): Promise<JsonResult> {
  const rows: Json[][] = []
  for await (const batch of run.batches()) for (const row of batch) rows.push(convertRow(run, row))
  return {
    columns: run.columns,
    rows,
    row_count: rows.length,
    truncated: run.isTruncated(),
    elapsed_ms: Math.round((performance.now() - run.startedAt) * 100) / 100,
  }
}

/** The last line of a cut-short ndjson answer: the error shape alone on its line (ADR-007). */
export function ndjsonErrorLine(err: LakehouseError): string {
  return `${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`
}

/** The last record of a cut-short csv answer: `#error,<code>,<message>` (ADR-007). */
export function csvErrorLine(err: LakehouseError): string {
  return csvRecords([['#error', err.code, err.message]])
}

function asLakehouseError(err: unknown): LakehouseError {
  return err instanceof LakehouseError ? err : new InternalError('internal error')
}

export async function* ndjsonLines(run: QueryRun): AsyncGenerator<string> {
  try {
    for await (const batch of run.batches()) {
      let text = ''
      for (const row of batch) {
        const object: Record<string, Json> = {}
        convertRow(run, row).forEach((value, i) => {
          object[run.keys[i]!] = value
        })
        text += `${JSON.stringify(object)}\n`
      }
      yield text
    }
  } catch (err) {
    // The status line went out with the first row: an answer cut short says so in its last line.
    yield ndjsonErrorLine(asLakehouseError(err))
  }
}

const CSV_OPTIONS = {
  record_delimiter: 'windows',
  // Values with edge spaces are quoted so that no reader trims them away.
  quoted_match: /^\s|\s$/,
  cast: { boolean: (value: boolean) => String(value), object: (value: object) => JSON.stringify(value) },
} as const

function csvRecords(records: Json[][]): string {
  return stringifyCsv(records, CSV_OPTIONS)
}

export async function* csvLines(run: QueryRun): AsyncGenerator<string> {
  yield csvRecords([run.columns.map((c) => c.name)])
  try {
    for await (const batch of run.batches()) yield csvRecords(batch.map((row) => convertRow(run, row)))
  } catch (err) {
    yield csvErrorLine(asLakehouseError(err))
  }
}

export interface Rendered {
  contentType: string
  body: JsonResult | Readable
}

const STREAMS: Record<Exclude<QueryFormat, 'json'>, (run: QueryRun) => Readable> = {
  ndjson: (run) => Readable.from(ndjsonLines(run), { objectMode: false }),
  csv: (run) => Readable.from(csvLines(run), { objectMode: false }),
  arrow: arrowStream,
}

/** json is built whole (bounded by max_rows); the other formats stream as DuckDB produces chunks. */
export async function renderResult(run: QueryRun, format: QueryFormat): Promise<Rendered> {
  if (format === 'json') return { contentType: CONTENT_TYPES.json, body: await collectJson(run) }
  return { contentType: CONTENT_TYPES[format], body: STREAMS[format](run) }
}
