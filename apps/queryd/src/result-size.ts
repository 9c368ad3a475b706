import {
  type DuckDBDataChunk,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api'
import { ResultTooLarge } from '@lakehouse/shared'

// query.max_result_bytes (issue 9 item 5): what one answer may hold, counted on DuckDB's chunks as
// they arrive and before their values become JavaScript values, so that a 200 MB string is refused
// from its length alone and never copied into the heap (a value larger than the whole cap is the
// per-value cap). Text and blobs count their bytes, nested values the size of their parts, and
// every other value a fixed 8 bytes: a measure of what the formats hold, within a small factor of
// what they send (JSON escaping, base64).

const FIXED_BYTES = 8
const STRING_TYPES = new Set<number>([DuckDBTypeId.VARCHAR, DuckDBTypeId.BLOB, DuckDBTypeId.BIT])
/** Types whose values have parts (or a variable size) that cannot be read in place. */
const MEASURED_TYPES = new Set<number>([
  DuckDBTypeId.LIST,
  DuckDBTypeId.STRUCT,
  DuckDBTypeId.MAP,
  DuckDBTypeId.ARRAY,
  DuckDBTypeId.UNION,
  DuckDBTypeId.VARIANT,
  DuckDBTypeId.GEOMETRY,
  DuckDBTypeId.BIGNUM,
])

/** The fields of @duckdb/node-api 1.5.6's VARCHAR/BLOB vector that hold each item's length. */
interface StringVectorInternals {
  dataView: DataView
  validity: { itemValid: (index: number) => boolean }
}

function internalsOf(vector: DuckDBVector): StringVectorInternals | undefined {
  const inner = vector as unknown as Partial<StringVectorInternals>
  return inner.dataView instanceof DataView && typeof inner.validity?.itemValid === 'function'
    ? (inner as StringVectorInternals)
    : undefined
}

/** A nested value's size, for the types whose items cannot be measured in place. */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 1
  if (typeof value === 'string') return value.length
  if (value instanceof Uint8Array) return value.byteLength
  if (typeof value !== 'object') return FIXED_BYTES
  const inner = value as { items?: unknown[]; entries?: Record<string, unknown> | unknown[]; bytes?: Uint8Array }
  if (inner.bytes instanceof Uint8Array) return inner.bytes.byteLength
  const parts = inner.items ?? (inner.entries ? Object.values(inner.entries) : undefined)
  if (!parts) return String(value).length
  return parts.reduce<number>((sum, part) => sum + valueBytes(part), FIXED_BYTES)
}

function columnBytes(vector: DuckDBVector, type: DuckDBType, rows: number, maxBytes: number): number {
  if (STRING_TYPES.has(type.typeId)) {
    const internals = internalsOf(vector)
    if (internals) {
      let sum = 0
      for (let i = 0; i < rows; i += 1) {
        // string_t: a little-endian uint32 length, then the inline prefix or a pointer.
        sum += internals.validity.itemValid(i) ? internals.dataView.getUint32(i * 16, true) : 1
        if (sum > maxBytes) return sum
      }
      return sum
    }
  }
  if (!STRING_TYPES.has(type.typeId) && !MEASURED_TYPES.has(type.typeId)) return rows * FIXED_BYTES
  let sum = 0
  for (let i = 0; i < rows; i += 1) {
    sum += valueBytes(vector.getItem(i) as DuckDBValue)
    if (sum > maxBytes) return sum
  }
  return sum
}

/** Counts the first `rows` rows of each chunk against the cap; throws ResultTooLarge past it. */
export class ResultMeter {
  readonly #maxBytes: number
  #bytes = 0

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  get bytes(): number {
    return this.#bytes
  }

  add(chunk: DuckDBDataChunk, types: readonly DuckDBType[], rows: number): void {
    for (let c = 0; c < types.length; c += 1) {
      this.#bytes += columnBytes(chunk.getColumnVector(c), types[c]!, rows, this.#maxBytes - this.#bytes)
      if (this.#bytes > this.#maxBytes) {
        throw new ResultTooLarge(
          `the result is larger than query.max_result_bytes (${this.#maxBytes} bytes); select fewer rows or columns, or smaller values`,
        )
      }
    }
  }
}
