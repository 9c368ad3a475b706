import type { CompareOp, ExpectedValue } from '@lakehouse/shared/contracts/observer.ts'

// How one observed cell compares with one expected value (ADR-015). The column's DuckDB type picks
// the kind: numbers compare as exact decimals (BIGINT beyond 2^53 and DECIMAL arrive as strings and
// are never squeezed through a double), dates and timestamps as instants to the nanosecond, strings
// exactly, booleans only with booleans. Anything else cannot decide the claim: 'mismatch'.

export type ValueKind = 'number' | 'date' | 'string' | 'boolean' | 'other'

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/
const DATES = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE)$/

export function kindOfColumn(duckdbType: string): ValueKind {
  const type = duckdbType.toUpperCase().trim()
  if (NUMERIC.test(type)) return 'number'
  if (DATES.test(type)) return 'date'
  if (type === 'VARCHAR') return 'string'
  if (type === 'BOOLEAN') return 'boolean'
  return 'other'
}

interface Decimal {
  digits: bigint
  scale: number
}

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

/** An exact decimal from a JSON number or a numeric string; undefined when it is neither. */
export function parseDecimal(value: unknown): Decimal | undefined {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined
    text = String(value)
  } else if (typeof value === 'string') {
    text = value.trim()
  } else {
    return undefined
  }
  const match = DECIMAL_TEXT.exec(text)
  if (!match) return undefined
  const [, sign, whole, fraction = '', exponent = '0'] = match
  let digits = BigInt(`${whole}${fraction}`)
  let scale = fraction.length - Number(exponent)
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale)
    scale = 0
  }
  return { digits: sign === '-' ? -digits : digits, scale }
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale)
  const x = a.digits * 10n ** BigInt(scale - a.scale)
  const y = b.digits * 10n ** BigInt(scale - b.scale)
  return x < y ? -1 : x > y ? 1 : 0
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/

/** Nanoseconds since the epoch of an ISO 8601 date or timestamp (no zone means UTC, as queryd answers). */
export function parseInstant(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined
  const match = ISO_DATE.exec(value.trim())
  if (!match) return undefined
  const [, day, time = '00:00:00', fraction = '', zone = 'Z'] = match
  const ms = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}${zone}`)
  if (Number.isNaN(ms)) return undefined
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0'))
}

/** -1, 0, 1, or 'mismatch' when the two cannot be compared as the column's kind. */
export function compareValues(kind: ValueKind, observed: unknown, expected: ExpectedValue): number | 'mismatch' {
  switch (kind) {
    case 'number': {
      const a = parseDecimal(observed)
      const b = parseDecimal(expected)
      return a && b ? compareDecimals(a, b) : 'mismatch'
    }
    case 'date': {
      const a = parseInstant(observed)
      const b = parseInstant(expected)
      if (a === undefined || b === undefined) return 'mismatch'
      return a < b ? -1 : a > b ? 1 : 0
    }
    case 'string':
      if (typeof observed !== 'string' || typeof expected !== 'string') return 'mismatch'
      return observed === expected ? 0 : observed < expected ? -1 : 1
    case 'boolean':
      if (typeof observed !== 'boolean' || typeof expected !== 'boolean') return 'mismatch'
      return observed === expected ? 0 : observed ? 1 : -1
    default:
      return 'mismatch'
  }
}

/**
 * One string per value of a kind such that two values are equal (compareValues = 0) exactly when
 * their keys are: decimals without trailing zeros, instants in nanoseconds. Undefined = mismatch.
 */
export function equalityKey(kind: ValueKind, value: unknown): string | undefined {
  switch (kind) {
    case 'number': {
      const d = parseDecimal(value)
      if (!d) return undefined
      let { digits, scale } = d
      while (scale > 0 && digits % 10n === 0n) {
        digits /= 10n
        scale--
      }
      return `${digits}e-${scale}`
    }
    case 'date': {
      const instant = parseInstant(value)
      return instant === undefined ? undefined : String(instant)
    }
    case 'string':
      return typeof value === 'string' ? value : undefined
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : undefined
    default:
      return undefined
  }
}

/** Whether `op` holds for an ordering; strings and booleans are only equal or not (ADR-015). */
export function opHolds(kind: ValueKind, op: CompareOp, order: number): boolean | 'mismatch' {
  if ((kind === 'string' || kind === 'boolean') && op !== 'eq' && op !== 'ne') return 'mismatch'
  switch (op) {
    case 'eq':
      return order === 0
    case 'ne':
      return order !== 0
    case 'lt':
      return order < 0
    case 'lte':
      return order <= 0
    case 'gt':
      return order > 0
    case 'gte':
      return order >= 0
  }
}
