import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

describe('queryd app', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ max_sql_bytes: 1024 })
  })
  afterAll(async () => h.close())

  it('registers its routes', () => {
    const routes = h.app.printRoutes({ commonPrefix: false })
    expect(routes).toContain('/v1/query/sql (POST)')
    expect(routes).toContain('/v1/query/tables (GET')
  })

  it('answers the happy path: a group-by over a dataset view, in the DESIGN json shape', async () => {
    const res = await sql(h.app, { sql: 'select city, count(*) as n from people group by 1 order by 1' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.columns).toEqual([
      { name: 'city', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ])
    expect(body.rows).toEqual([
      ['Lyon', 1],
      ['Nice', 1],
      ['Paris', 3],
    ])
    expect(body.row_count).toBe(3)
    expect(body.truncated).toBe(false)
    expect(typeof body.elapsed_ms).toBe('number')
  })

  it('rejects an unknown body field with 400 invalid_request', async () => {
    const res = await sql(h.app, { sql: 'select 1', evil: true })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })

  it('caps the SQL text at query.max_sql_bytes with 413', async () => {
    const res = await sql(h.app, { sql: `select 1 -- ${'x'.repeat(2000)}` })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('caps the whole body with 413 before parsing it', async () => {
    const res = await sql(h.app, { sql: 'select 1', params: ['y'.repeat(200_000)] })
    expect(res.statusCode).toBe(413)
  })

  it('binds params', async () => {
    const res = await sql(h.app, { sql: 'select name from people where id = $1', params: [2] })
    expect(res.json().rows).toEqual([['Bo']])
  })

  it('reports a bind error as 400 sql_error with DuckDB message', async () => {
    const res = await sql(h.app, { sql: 'select nope from people' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('sql_error')
    expect(res.json().error.message).toMatch(/nope/)
  })

  it('lists views and their columns', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/query/tables' })
    expect(res.statusCode).toBe(200)
    expect(res.json().tables).toEqual([
      {
        name: 'people',
        columns: [
          { name: 'id', type: 'INTEGER' },
          { name: 'name', type: 'VARCHAR' },
          { name: 'city', type: 'VARCHAR' },
        ],
      },
    ])
  })
})
