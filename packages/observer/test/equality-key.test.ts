import type { ExpectedValue } from '@lakehouse/shared/contracts/observer.ts'
import { describe, expect, it } from 'vitest'
import { compareValues, equalityKey, type ValueKind } from '../src/compare.ts'

// contains looks values up by key; the keys must agree with compareValues: equal keys exactly when
// the values compare equal, or a true claim would be rejected (or a false one accepted).

const PAIRS: Array<[ValueKind, unknown, ExpectedValue]> = [
  ['number', '1.50', 1.5],
  ['number', '2.00', 2],
  ['number', '10', '1e1'],
  ['number', 0, '-0.00'],
  ['number', '9007199254740993', '9007199254740992'],
  ['number', 0.1, '0.10'],
  ['number', 120.5, '120.05'],
  ['date', '2024-03-01', '2024-03-01T00:00:00Z'],
  ['date', '2024-03-01T10:00:00.000001', '2024-03-01T10:00:00Z'],
  ['string', 'Chicago', 'Chicago'],
  ['string', 'Chicago ', 'Chicago'],
  ['boolean', true, true],
  ['boolean', false, true],
]

describe('equality keys agree with compareValues', () => {
  it.each(PAIRS)('%s: %j vs %j', (kind, observed, expected) => {
    const equal = compareValues(kind, observed, expected) === 0
    expect(equalityKey(kind, observed) === equalityKey(kind, expected)).toBe(equal)
  })
})
