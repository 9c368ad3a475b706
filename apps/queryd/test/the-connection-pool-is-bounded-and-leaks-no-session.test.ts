import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

// ADR-025: the pool keeps at most query.pool_connections idle connections and query.pool_statements
// prepared statements on each, reported in /ready and /metrics; a pooled connection keeps the
// sandbox's locked settings; a run that changed its connection's session (setseed) or was cut
// short never gives its connection back.

const STATEMENTS = 4

describe('the connection pool is bounded and leaks no session', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ pool_connections: 2, pool_statements: STATEMENTS })
  })
  afterAll(async () => h.close())

  it('keeps at most pool_statements statements per connection and pool_connections connections', async () => {
    for (let i = 0; i < 20; i += 1) await sql(h.app, { sql: `select ${i} as n, count(*) from people` })
    await Promise.all(Array.from({ length: 6 }, () => sql(h.app, { sql: 'select count(*) from people' })))
    const pool = h.app.queryService.engine.pool
    expect(pool.idle).toBeGreaterThan(0)
    expect(pool.idle).toBeLessThanOrEqual(2)
    expect(pool.statements).toBeGreaterThan(0)
    expect(pool.statements).toBeLessThanOrEqual(2 * STATEMENTS)
    const details = (await h.app.inject({ method: 'GET', url: '/ready' })).json().checks.memory.details
    expect(details.pool_max_connections).toBe(2)
    expect(details.pool_idle_connections).toBe(pool.idle)
    expect(details.pool_statements).toBeLessThanOrEqual(details.pool_max_statements)
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/query_pool_reuses_total(\{[^}]*\})? [1-9]/)
  })

  it('still refuses SET and keeps the locked settings on a pooled connection', async () => {
    await sql(h.app, { sql: 'select 1' })
    expect((await sql(h.app, { sql: 'set threads = 1' })).statusCode).toBe(403)
    const settings = await sql(h.app, {
      sql: "select current_setting('enable_external_access'), current_setting('lock_configuration')",
    })
    expect(settings.json().rows).toEqual([[false, true]])
    expect(h.app.queryService.engine.pool.reused).toBeGreaterThan(0)
  })

  it('closes a connection whose run called setseed, so the next query does not inherit its seed', async () => {
    // What random() draws right after setseed(0.25) on the same connection.
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    await connection.run('select setseed(0.25)')
    const seededDraw = (await connection.runAndReadAll('select random()')).getRows()
    connection.closeSync()
    instance.closeSync()
    const pool = h.app.queryService.engine.pool
    await sql(h.app, { sql: 'select 1' })
    const idle = pool.idle
    expect((await sql(h.app, { sql: 'select setseed(0.25)' })).statusCode).toBe(200)
    expect(pool.idle).toBe(idle - 1)
    expect((await sql(h.app, { sql: 'select random()' })).json().rows).not.toEqual(seededDraw)
  })

  it('closes a connection whose rows were cut short at max_rows', async () => {
    const pool = h.app.queryService.engine.pool
    const idle = pool.idle
    const opened = pool.opened
    const res = await sql(h.app, { sql: 'select * from range(10000)', max_rows: 3 })
    expect(res.json().truncated).toBe(true)
    // The run took an idle connection (or opened one) and did not give it back.
    expect(pool.idle).toBe(idle > 0 ? idle - 1 : 0)
    expect(pool.opened).toBe(idle > 0 ? opened : opened + 1)
  })
})
