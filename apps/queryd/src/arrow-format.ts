import { type Duplex, PassThrough, Readable } from 'node:stream'
import { type DuckDBType, DuckDBTypeId, type DuckDBValue, JSDuckDBValueConverter } from '@duckdb/node-api'
import { InternalError, LakehouseError } from '@lakehouse/shared'
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  type RecordBatch,
  RecordBatchStreamWriter,
  Table,
  TimestampMicrosecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow'
import type { QueryRun } from './query-engine.ts'
import { convertJson } from './values.ts'

// The `arrow` format: an Arrow IPC stream, one record batch per DuckDB chunk, built with apache-arrow.
// Scalar types map to their Arrow types (BIGINT stays a 64-bit integer, TIMESTAMP is microseconds,
// TIMESTAMP WITH TIME ZONE is microseconds in UTC); DECIMAL, HUGEINT and the nested and other types
// travel as Utf8 holding the same text as the JSON format, so nothing is rounded on the way.
// One record batch per DuckDB chunk, written as the client reads (Node stream backpressure).

type Column = { arrow: DataType; convert: (value: DuckDBValue, type: DuckDBType) => unknown }

const js = (value: DuckDBValue, type: DuckDBType) => JSDuckDBValueConverter(value, type, JSDuckDBValueConverter)
const micros = (value: DuckDBValue) => (value === null ? null : (value as { micros: bigint }).micros)
const asText = (value: DuckDBValue, type: DuckDBType) => {
  const json = convertJson(value, type)
  return json === null || typeof json === 'string' ? json : JSON.stringify(json)
}

const NATIVE: Partial<Record<DuckDBTypeId, () => Column>> = {
  [DuckDBTypeId.BOOLEAN]: () => ({ arrow: new Bool(), convert: js }),
  [DuckDBTypeId.TINYINT]: () => ({ arrow: new Int8(), convert: js }),
  [DuckDBTypeId.SMALLINT]: () => ({ arrow: new Int16(), convert: js }),
  [DuckDBTypeId.INTEGER]: () => ({ arrow: new Int32(), convert: js }),
  [DuckDBTypeId.BIGINT]: () => ({ arrow: new Int64(), convert: js }),
  [DuckDBTypeId.UTINYINT]: () => ({ arrow: new Uint8(), convert: js }),
  [DuckDBTypeId.USMALLINT]: () => ({ arrow: new Uint16(), convert: js }),
  [DuckDBTypeId.UINTEGER]: () => ({ arrow: new Uint32(), convert: js }),
  [DuckDBTypeId.UBIGINT]: () => ({ arrow: new Uint64(), convert: js }),
  [DuckDBTypeId.FLOAT]: () => ({ arrow: new Float32(), convert: js }),
  [DuckDBTypeId.DOUBLE]: () => ({ arrow: new Float64(), convert: js }),
  [DuckDBTypeId.VARCHAR]: () => ({ arrow: new Utf8(), convert: js }),
  [DuckDBTypeId.BLOB]: () => ({ arrow: new Binary(), convert: js }),
  [DuckDBTypeId.DATE]: () => ({ arrow: new DateDay(), convert: js }),
  [DuckDBTypeId.TIMESTAMP]: () => ({ arrow: new TimestampMicrosecond(), convert: micros }),
  [DuckDBTypeId.TIMESTAMP_TZ]: () => ({ arrow: new TimestampMicrosecond('UTC'), convert: micros }),
}

function columnFor(type: DuckDBType, redact: (text: string) => string): Column {
  const column = NATIVE[type.typeId]?.() ?? { arrow: new Utf8(), convert: asText }
  if (!(column.arrow instanceof Utf8)) return column
  // Host paths out of every text value (ADR-007).
  const convert = column.convert
  return {
    arrow: column.arrow,
    convert: (value, t) => {
      const text = convert(value, t)
      return typeof text === 'string' ? redact(text) : text
    },
  }
}

function batchTable(run: QueryRun, columns: Column[], rows: DuckDBValue[][]): Table {
  const vectors: Record<string, Vector> = {}
  columns.forEach((column, i) => {
    const type = run.types[i]!
    const values = rows.map((row) => column.convert(row[i] ?? null, type))
    vectors[run.keys[i]!] = vectorFromArray(values, column.arrow)
  })
  return new Table(vectors)
}

async function* recordBatches(run: QueryRun): AsyncGenerator<RecordBatch> {
  const columns = run.types.map((type) => columnFor(type, run.redactText))
  let wrote = false
  for await (const rows of run.batches()) {
    yield* batchTable(run, columns, rows).batches
    wrote = true
  }
  // An empty result still carries its schema.
  if (!wrote) yield* batchTable(run, columns, []).batches
}

/**
 * The IPC stream as bytes, with backpressure from the client down to DuckDB's chunk reads. A failed
 * run never reaches the writer's end of stream: the bytes stream is destroyed with the typed error,
 * which is an error answer while nothing was sent and a broken stream afterwards (ADR-007).
 */
export function arrowStream(run: QueryRun): Readable {
  const ipc = RecordBatchStreamWriter.throughNode() as unknown as Duplex
  const source = Readable.from(recordBatches(run))
  const out = new PassThrough()
  source.once('error', (err) => {
    source.unpipe(ipc)
    ipc.destroy()
    out.destroy(err instanceof LakehouseError ? err : new InternalError('internal error'))
  })
  ipc.once('error', (err) => out.destroy(err))
  source.pipe(ipc).pipe(out)
  return out
}
