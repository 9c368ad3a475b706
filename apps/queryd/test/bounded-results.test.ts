import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

// Issue 9 item 5: an answer is bounded by query.max_result_bytes in every format. json answers 413
// result_too_large naming the limit before anything is sent; ndjson and csv, whose status line
// went out with their first rows, end with an error line; arrow ends with a broken stream, never
// a clean end of stream. (Memory under the parallel case: bounded-results-memory.test.ts.)

const HUGE = "select repeat('x', 200000000) as v from range(3)"
const MAX = 3_000_000
// 2,048 rows per DuckDB chunk of 1,000 bytes each: the first chunk fits in MAX, the second does not.
const LATE = "select repeat('x', 1000) as v from range(10000)"

describe('bounded results (query.max_result_bytes)', () => {
  let h: Harness
  let url: string
  beforeAll(async () => {
    h = await startHarness({ max_result_bytes: MAX })
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  })
  afterAll(async () => h.close())

  it('answers json with 413 result_too_large naming the limit', async () => {
    for (const text of [HUGE, LATE]) {
      const res = await sql(h.app, { sql: text })
      expect(res.statusCode, res.body.slice(0, 200)).toBe(413)
      expect(res.json().error.code).toBe('result_too_large')
      expect(res.json().error.message).toContain(`query.max_result_bytes (${MAX} bytes)`)
    }
  })

  it('ends ndjson cut short with an error line after the rows that were sent', async () => {
    const res = await sql(h.app, { sql: LATE, format: 'ndjson', max_rows: 100_000 })
    const lines = res.body.trimEnd().split('\n')
    expect(lines.length).toBe(2049)
    expect(JSON.parse(lines[0]!)).toEqual({ v: 'x'.repeat(1000) })
    const last = JSON.parse(lines.at(-1)!)
    expect(last.error.code).toBe('result_too_large')
    expect(last.error.message).toContain(String(MAX))
    const huge = await sql(h.app, { sql: HUGE, format: 'ndjson' })
    expect(JSON.parse(huge.body).error.code).toBe('result_too_large')
  })

  it('ends csv cut short with a #error record', async () => {
    const res = await sql(h.app, { sql: LATE, format: 'csv', max_rows: 100_000 })
    const lines = res.body.trimEnd().split('\r\n')
    expect(lines[0]).toBe('v')
    expect(lines.length).toBe(2050)
    expect(lines.at(-1)).toMatch(/^#error,result_too_large,"?the result is larger than query\.max_result_bytes/)
    const huge = await sql(h.app, { sql: HUGE, format: 'csv' })
    expect(huge.body.split('\r\n')[1]).toMatch(/^#error,result_too_large,/)
  })

  it('breaks the arrow stream instead of ending it cleanly', async () => {
    for (const text of [LATE, HUGE]) {
      const res = await fetch(`${url}/v1/query/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: text, format: 'arrow', max_rows: 100_000 }),
      })
      // Failing before its first byte it is an error answer; after, the stream must break.
      if (res.status === 200) await expect(res.arrayBuffer()).rejects.toThrow()
      else {
        expect(res.status).toBe(413)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('result_too_large')
      }
    }
  })

  it('breaks an arrow stream that fails after its first bytes went out', async () => {
    // 2,048-row chunks of ~18 KB each: the 3 MB cap is passed only after some 160 record batches
    // (and the status line) went out, so the client must see an error rather than an end.
    const res = await fetch(`${url}/v1/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: 'select i, (i % 10)::varchar as s from range(2000000) t(i)',
        format: 'arrow',
        max_rows: 2_000_000,
      }),
    })
    expect(res.status).toBe(200)
    await expect(res.arrayBuffer()).rejects.toThrow()
  })

  it('still answers a result under the cap whole, in every format', async () => {
    const small = "select repeat('x', 1000) as v, true as b, ' pad' as s, [1, 2] as l from range(2000)"
    expect((await sql(h.app, { sql: small })).json().row_count).toBe(2000)
    const csv = (await sql(h.app, { sql: small, format: 'csv' })).body.split('\r\n')
    expect(csv[1]).toBe(`${'x'.repeat(1000)},true," pad","[1,2]"`)
    expect(csv.length).toBe(2002)
  })
})
