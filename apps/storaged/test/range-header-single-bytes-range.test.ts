import { describe, expect, it } from 'vitest'
import { parseRange, resolveRange } from '../src/range.ts'

// Rule (RFC 9110 §14, DESIGN §5 "storage"): one bytes range is served; a header storaged does not
// understand, or several ranges, is ignored (the whole object); "-0" and a start past the end are 416.

describe('Range header', () => {
  it.each([
    ['bytes=0-4', { start: 0, end: 4 }],
    ['bytes=5-', { start: 5 }],
    ['bytes=-3', { suffix: 3 }],
    [' bytes=2-5 ', { start: 2, end: 5 }],
    ['bytes=4-2', undefined],
    ['bytes=a-b', undefined],
    ['bytes=0-1,3-4', undefined],
    ['items=0-1', undefined],
    ['bytes=-', undefined],
  ])('%j parses as %j', (header, spec) => {
    expect(parseRange(header)).toEqual(spec)
  })

  it('resolves against the size: clamps the end, refuses a start past it and an empty suffix', () => {
    expect(resolveRange(parseRange('bytes=5-100') as never, 10)).toEqual({ start: 5, end: 9 })
    expect(resolveRange(parseRange('bytes=-4') as never, 10)).toEqual({ start: 6, end: 9 })
    expect(() => resolveRange(parseRange('bytes=10-') as never, 10)).toThrow(/not satisfiable/)
    expect(() => resolveRange(parseRange('bytes=-0') as never, 10)).toThrow(/not satisfiable/)
  })
})
