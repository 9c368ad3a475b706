import type { QueryResult } from '@lakehouse/shared/clients/query.ts'
import type { CompareOp, Expectation, ReviewReason, Verdict } from '@lakehouse/shared/contracts/observer.ts'
import { compareValues, equalityKey, kindOfColumn, opHolds } from './compare.ts'

// A check's answer against its expectation (ADR-015). accept and reject come only from a value that
// was compared; every answer that cannot decide the claim (no row, NULL, a value of the wrong type,
// a truncated result) is cycle. Nothing here throws on data: an unexpected shape is a mismatch.

export interface Outcome {
  verdict: Verdict
  reason: ReviewReason
  detail: string
  observed: unknown
}

const holds = (observed: unknown, detail: string): Outcome => ({
  verdict: 'accept',
  reason: 'claim_holds',
  detail,
  observed,
})
const fails = (observed: unknown, detail: string): Outcome => ({
  verdict: 'reject',
  reason: 'claim_false',
  detail,
  observed,
})
const undecided = (reason: ReviewReason, detail: string, observed: unknown = null): Outcome => ({
  verdict: 'cycle',
  reason,
  detail,
  observed,
})

export function evaluate(result: QueryResult, expect: Expectation): Outcome {
  switch (expect.op) {
    case 'row_count':
      return evaluateRowCount(result, expect.value)
    case 'contains':
      return evaluateContains(result, expect.values)
    default:
      return evaluateCompare(result, expect)
  }
}

function evaluateCompare(result: QueryResult, expect: Extract<Expectation, { op: CompareOp }>): Outcome {
  const column = result.columns[0]
  const row = result.rows[0]
  if (!column || !row) return undecided('empty_result', 'the check returned no row to compare')
  const observed = row[0]
  if (observed === null || observed === undefined) return undecided('null_value', 'the first value is NULL')
  const kind = kindOfColumn(column.type)
  const order = compareValues(kind, observed, expect.value)
  if (order === 'mismatch') {
    return undecided(
      'type_mismatch',
      `a ${column.type} value cannot be compared with ${JSON.stringify(expect.value)}`,
      observed,
    )
  }
  const verdict = opHolds(kind, expect.op, order)
  if (verdict === 'mismatch')
    return undecided('type_mismatch', `${expect.op} does not order ${column.type} values`, observed)
  const words = `${JSON.stringify(observed)} ${expect.op} ${JSON.stringify(expect.value)}`
  return verdict ? holds(observed, `${words} holds`) : fails(observed, `${words} does not hold`)
}

function evaluateRowCount(result: QueryResult, expected: number): Outcome {
  const count = result.rows.length
  if (result.truncated) return undecided('truncated', `the check returned more than ${count} rows`, count)
  return count === expected ? holds(count, `${count} rows, as claimed`) : fails(count, `${count} rows, not ${expected}`)
}

function evaluateContains(result: QueryResult, values: readonly (string | number | boolean)[]): Outcome {
  const column = result.columns[0]
  if (!column) return undecided('empty_result', 'the check returned no column')
  const kind = kindOfColumn(column.type)
  // Each side reduced to one key per value (equal values, equal keys), so the check is a set lookup
  // and not rows × values comparisons.
  const present = new Set<string>()
  for (const row of result.rows) {
    const cell = row[0]
    if (cell === null || cell === undefined) continue
    const key = equalityKey(kind, cell)
    if (key === undefined) return undecided('type_mismatch', `${column.type} values cannot be compared`, cell)
    present.add(key)
  }
  const missing: Array<string | number | boolean> = []
  for (const value of values) {
    const key = equalityKey(kind, value)
    if (key === undefined) {
      return undecided('type_mismatch', `a ${column.type} value cannot be compared with ${JSON.stringify(value)}`)
    }
    if (!present.has(key)) missing.push(value)
  }
  const observed = { found: values.length - missing.length, missing }
  if (missing.length === 0) return holds(observed, `all ${values.length} values appear`)
  // A value beyond the rows returned may still be there: not proven absent.
  if (result.truncated) return undecided('truncated', `${missing.length} values not among the rows returned`, observed)
  return fails(observed, `${missing.length} of ${values.length} values do not appear`)
}
