import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

describe('queryd views follow the catalog', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(async () => h.close())

  it('asks the catalog only for a dataset the query reads, and only when its version moved', async () => {
    await sql(h.app, { sql: 'select count(*) from people' })
    const [gets, lists, heads] = [h.catalog.gets, h.catalog.lists, h.objects.heads.length]
    await sql(h.app, { sql: 'select count(*) from people' })
    // One HEAD of the next version's commit object in storage, no catalog round trip.
    expect([h.catalog.gets, h.catalog.lists, h.objects.heads.length]).toEqual([gets, lists, heads + 1])
    await sql(h.app, { sql: 'select 1' })
    expect([h.catalog.gets, h.catalog.lists, h.objects.heads.length]).toEqual([gets, lists, heads + 1])
    h.catalog.commit('people', h.catalog.datasets.find((m) => m.name === 'people')?.files ?? [])
    await sql(h.app, { sql: 'select count(*) from people' })
    expect([h.catalog.gets, h.catalog.lists]).toEqual([gets + 1, lists])
  })

  it('shows a dataset committed before a query to that query', async () => {
    const rows = await writeParquet(h.root, 'datasets/fresh/data/1.parquet', 'select 1 as a union all select 2')
    h.catalog.commit('fresh', [{ key: 'datasets/fresh/data/1.parquet', rows }])
    const res = await sql(h.app, { sql: 'select sum(a) from fresh' })
    expect(res.json().rows).toEqual([[3]])
  })

  it('re-creates only the views whose manifest version changed, when a query reads them', async () => {
    await sql(h.app, { sql: 'select * from people' })
    const created = h.app.queryService.views.created
    const rows = await writeParquet(h.root, 'datasets/other/data/1.parquet', 'select 1 as b')
    h.catalog.commit('other', [{ key: 'datasets/other/data/1.parquet', rows }])
    await sql(h.app, { sql: 'select * from people' })
    expect(h.app.queryService.views.created).toBe(created)
    await sql(h.app, { sql: 'select * from other' })
    expect(h.app.queryService.views.created).toBe(created + 1)
    await sql(h.app, { sql: 'select * from other' })
    expect(h.app.queryService.views.created).toBe(created + 1)
  })

  it('serves the new files of a replaced dataset', async () => {
    const rows = await writeParquet(h.root, 'datasets/fresh/data/2.parquet', 'select 40 as a')
    h.catalog.commit('fresh', [{ key: 'datasets/fresh/data/2.parquet', rows }])
    expect((await sql(h.app, { sql: 'select sum(a) from fresh' })).json().rows).toEqual([[40]])
  })

  it('binds a column that a commit just added, though the view it first bound lacked it', async () => {
    const first = await writeParquet(h.root, 'datasets/widened/data/1.parquet', 'select 1 as a')
    h.catalog.commit('widened', [{ key: 'datasets/widened/data/1.parquet', rows: first }])
    expect((await sql(h.app, { sql: 'select a from widened' })).json().rows).toEqual([[1]])
    const second = await writeParquet(h.root, 'datasets/widened/data/2.parquet', "select 2 as a, 'new' as b")
    h.catalog.commit('widened', [{ key: 'datasets/widened/data/2.parquet', rows: second }])
    // The view in place has no `b`: bound optimistically it fails, and storage says it moved.
    const res = await sql(h.app, { sql: 'select a, b from widened' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().rows).toEqual([[2, 'new']])
  })

  it('unions the files of a dataset by column name', async () => {
    await writeParquet(h.root, 'datasets/multi/data/1.parquet', 'select 1 as a')
    await writeParquet(h.root, 'datasets/multi/data/2.parquet', "select 2 as a, 'x' as extra")
    h.catalog.commit('multi', [
      { key: 'datasets/multi/data/1.parquet', rows: 1 },
      { key: 'datasets/multi/data/2.parquet', rows: 1 },
    ])
    const res = await sql(h.app, { sql: 'select a, extra from multi order by a' })
    expect(res.json().rows).toEqual([
      [1, null],
      [2, 'x'],
    ])
  })

  it('gives a dataset without files an empty view with its columns and types', async () => {
    h.catalog.commit(
      'empty',
      [],
      [
        { name: 'id', type: 'BIGINT', nullable: false },
        { name: 'price', type: 'DECIMAL(18,3)', nullable: true },
      ],
    )
    const res = await sql(h.app, { sql: 'select * from empty' })
    expect(res.json().columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'price', type: 'DECIMAL(18,3)' },
    ])
    expect(res.json().row_count).toBe(0)
  })

  it('lists every dataset to a statement that reads the catalog, queried before or not', async () => {
    const rows = await writeParquet(h.root, 'datasets/unseen/data/1.parquet', 'select 1 as u')
    h.catalog.commit('unseen', [{ key: 'datasets/unseen/data/1.parquet', rows }])
    for (const text of [
      "select table_name from information_schema.tables where table_name = 'unseen'",
      "select name from (show tables) where name = 'unseen'",
    ]) {
      const res = await sql(h.app, { sql: text })
      expect(res.json().rows, `${text}: ${res.body}`).toEqual([['unseen']])
    }
    const tables = await h.app.inject({ method: 'GET', url: '/v1/query/tables' })
    expect(tables.json().tables.map((t: { name: string }) => t.name)).toContain('unseen')
  })

  it('drops the view of a deleted dataset', async () => {
    h.catalog.drop('other')
    const res = await sql(h.app, { sql: 'select * from other' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('sql_error')
  })
})
