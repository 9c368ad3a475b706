import {
  type DuckDBBlobValue,
  type DuckDBTimestampTZValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
} from '@duckdb/node-api'

// How DuckDB values appear in JSON, NDJSON and CSV (DESIGN §5, issue 5): integers are numbers while
// they are exact in a double and strings beyond 2^53; DECIMAL is a string (no silent rounding);
// DATE and TIMESTAMP are ISO 8601 (TIMESTAMP WITH TIME ZONE in UTC with Z); BLOB is base64;
// LIST, STRUCT and MAP are JSON arrays and objects (a MAP as [{key, value}], keys need not be text).

const WIDE_INTEGERS = new Set<number>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
])
const NAIVE_TIMESTAMPS = new Set<number>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
])

function integerToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString()
}

function timestampTzToJson(value: DuckDBTimestampTZValue): string {
  const date = new Date(Number(value.micros / 1000n))
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString()
}

export const toJsonValue: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null
  const id = type.typeId
  if (WIDE_INTEGERS.has(id)) return integerToJson(value as bigint)
  if (NAIVE_TIMESTAMPS.has(id)) return String(value).replace(' ', 'T')
  if (id === DuckDBTypeId.TIMESTAMP_TZ) return timestampTzToJson(value as DuckDBTimestampTZValue)
  if (id === DuckDBTypeId.BLOB) return Buffer.from((value as DuckDBBlobValue).bytes).toString('base64')
  return JsonDuckDBValueConverter(value, type, converter)
}

export function convertJson(value: DuckDBValue, type: DuckDBType): Json {
  return toJsonValue(value, type, toJsonValue)
}
