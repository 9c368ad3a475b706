import { Readable } from 'node:stream'
import type { DuckDBValue, Json } from '@duckdb/node-api'
import type { QueryFormat, QueryResult } from '@lakehouse/shared/contracts/query.ts'
import { arrowStream } from './arrow-format.ts'
import type { QueryRun } from './query-engine.ts'
import { convertJson, toCsvField } from './values.ts'

// The text formats of a query result (DESIGN §5): `json` is one document and so is built whole (it
// is bounded by max_rows); `ndjson` and `csv` are generated batch by batch as DuckDB produces them.

export const CONTENT_TYPES: Record<QueryFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
}

/** The json format's document: the contract's QueryResult, rows as DuckDB's JSON values. */
export type JsonResult = Omit<QueryResult, 'rows'> & { rows: Json[][] }

function convertRow(run: QueryRun, row: DuckDBValue[]): Json[] {
  return row.map((value, i) => convertJson(value, run.types[i]!))
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

export async function* ndjsonLines(run: QueryRun): AsyncGenerator<string> {
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
}

export async function* csvLines(run: QueryRun): AsyncGenerator<string> {
  yield `${run.columns.map((c) => toCsvField(c.name)).join(',')}\r\n`
  for await (const batch of run.batches()) {
    let text = ''
    for (const row of batch) text += `${convertRow(run, row).map(toCsvField).join(',')}\r\n`
    yield text
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
