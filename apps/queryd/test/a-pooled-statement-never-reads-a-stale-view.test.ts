import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// ADR-025 (keeping ADR-021's guarantee): a connection kept in the pool keeps its prepared
// statements. DuckDB 1.5.6 rebinds a kept statement over a read_parquet view on every run, but not
// one over a view with no table function (an empty dataset's view is `SELECT CAST(NULL …) WHERE
// false`): replaced, it goes on answering the old view. A commit acknowledged before a query starts
// must be visible to it all the same: a kept statement is used only over the very view versions it
// was bound over.

const COUNT = 'select count(*) as n from people'

describe('a pooled statement never reads a stale view', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ pool_connections: 1 })
  })
  afterAll(async () => h.close())

  it('serves a repeated query from the pool, then sees the commit made in between', async () => {
    const pool = h.app.queryService.engine.pool
    expect((await sql(h.app, { sql: COUNT })).json().rows).toEqual([[5]])
    const [reused, hits] = [pool.reused, pool.statementHits]
    expect((await sql(h.app, { sql: COUNT })).json().rows).toEqual([[5]])
    // The same connection and the same prepared statement served the second run.
    expect([pool.reused, pool.statementHits]).toEqual([reused + 1, hits + 1])

    const rows = await writeParquet(h.root, 'datasets/people/data/02.parquet', 'select * from range(3) t(id)')
    h.catalog.commit('people', [{ key: 'datasets/people/data/02.parquet', rows }])
    expect((await sql(h.app, { sql: COUNT })).json().rows).toEqual([[3]])
    expect(pool.reused).toBe(reused + 2)
  })

  it('sees the first files of a dataset that was empty when its statement was kept', async () => {
    const text = 'select count(*) from later'
    h.catalog.commit('later', [], [{ name: 'a', type: 'INTEGER', nullable: true }])
    expect((await sql(h.app, { sql: text })).json().rows).toEqual([[0]])
    const hits = h.app.queryService.engine.pool.statementHits
    expect((await sql(h.app, { sql: text })).json().rows).toEqual([[0]])
    expect(h.app.queryService.engine.pool.statementHits).toBe(hits + 1)
    const rows = await writeParquet(h.root, 'datasets/later/data/1.parquet', 'select 7 as a')
    h.catalog.commit('later', [{ key: 'datasets/later/data/1.parquet', rows }])
    expect((await sql(h.app, { sql: text })).json().rows).toEqual([[1]])
  })

  it('sees a dataset deleted after its statement was kept', async () => {
    const text = 'select count(*) from gone'
    const rows = await writeParquet(h.root, 'datasets/gone/data/1.parquet', 'select 1 as a')
    h.catalog.commit('gone', [{ key: 'datasets/gone/data/1.parquet', rows }])
    expect((await sql(h.app, { sql: text })).json().rows).toEqual([[1]])
    expect((await sql(h.app, { sql: text })).json().rows).toEqual([[1]])
    h.catalog.drop('gone')
    expect((await sql(h.app, { sql: text })).statusCode).toBe(400)
  })

  it('never runs a kept statement with the parameters of the run before', async () => {
    const lookup = 'select name from people where id = $1'
    const rows = await writeParquet(
      h.root,
      'datasets/people/data/03.parquet',
      `select * from (values (1, 'Ada'), (2, 'Bo')) t(id, name)`,
    )
    h.catalog.commit('people', [{ key: 'datasets/people/data/03.parquet', rows }])
    expect((await sql(h.app, { sql: lookup, params: [2] })).json().rows).toEqual([['Bo']])
    const unbound = await sql(h.app, { sql: lookup })
    expect(unbound.statusCode).toBe(400)
    expect(unbound.json().error.message).toMatch(/not provided/i)
  })
})
