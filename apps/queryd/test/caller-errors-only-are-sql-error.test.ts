import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toQueryError } from '../src/sql-errors.ts'
import { type Harness, sql, startHarness } from './fixtures.ts'

// Issue 10 item 2: only the errors a caller causes with their SQL (DuckDB's parser, binder, catalog
// and conversion errors and their like) are 400 sql_error; running out of memory, I/O on the cache,
// DuckDB's internal errors and plain bugs are 5xx in the error shape, with no stack and no path.

describe('only the caller’s errors are 400 sql_error', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ memory_limit: '64MB', threads: 1 })
  })
  afterAll(async () => h.close())

  const callerFaults: Array<[string, string]> = [
    ['a parser error', 'selec 1'],
    ['a binder error', 'select nope from people'],
    ['a catalog error', 'select * from no_such_table'],
    ['a conversion error', "select 'a'::int"],
    ['an invalid input error', "select error('boom')"],
  ]
  for (const [name, text] of callerFaults) {
    it(`answers ${name} with 400 sql_error`, async () => {
      const res = await sql(h.app, { sql: text })
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json().error.code).toBe('sql_error')
    })
  }

  it('answers out-of-memory with 503 out_of_memory', async () => {
    // A list aggregate cannot spill: it must fail on memory_limit.
    const res = await sql(h.app, { sql: "select list(repeat('x', 1000)) from range(2000000)" })
    expect(res.statusCode, res.body).toBe(503)
    expect(res.json().error.code).toBe('out_of_memory')
  })

  it('answers an I/O error on the cache with 500 internal_error, without a path', async () => {
    await sql(h.app, { sql: 'select count(*) from people' })
    // The view's cached file vanishes under it (a disk fault, an operator's rm).
    rmSync(`${h.dataDir}/cache/query`, { recursive: true, force: true })
    const res = await sql(h.app, { sql: 'select * from people' })
    expect(res.statusCode, res.body).toBe(500)
    const error = res.json().error
    expect(error.code).toBe('internal_error')
    expect(error.message).not.toContain(h.dataDir)
    expect(res.body).not.toMatch(/ at |\.ts:/)
  })

  it('classifies a plain bug (not a DuckDB error) as internal_error, not sql_error', () => {
    const err = toQueryError(new TypeError("Cannot read properties of undefined (reading 'x')"))
    expect(err.status).toBe(500)
    expect(err.code).toBe('internal_error')
    expect(err.message).toBe('internal error')
    expect(toQueryError(new Error('INTERNAL Error: Attempted to access index 3')).status).toBe(500)
  })
})
