import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// a dataset name from the catalog is never spliced into SQL unquoted. The catalog (a fake
// here: catalogd itself refuses such names) returns a manifest named `foo"; DROP TABLE x; --`;
// queryd creates one view with exactly that name and drops nothing.

const EVIL = 'foo"; DROP TABLE x; --'

describe('R-009 quote-ident: a hostile dataset name becomes one quoted view', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    const rows = await writeParquet(h.root, 'datasets/x/data/1.parquet', 'select 7 as v')
    h.catalog.commit('x', [{ key: 'datasets/x/data/1.parquet', rows }])
    const evilRows = await writeParquet(h.root, 'datasets/evil/data/1.parquet', "select 'quoted' as w")
    h.catalog.commit(EVIL, [{ key: 'datasets/evil/data/1.parquet', rows: evilRows }])
  })
  afterAll(async () => h.close())

  it('creates exactly one view with exactly that name, and drops nothing', async () => {
    const tables = (await h.app.inject({ method: 'GET', url: '/v1/query/tables' })).json().tables
    expect(tables.map((t: { name: string }) => t.name).sort()).toEqual([EVIL, 'people', 'x'].sort())
    const evil = await sql(h.app, { sql: 'select w from "foo""; DROP TABLE x; --"' })
    expect(evil.json().rows).toEqual([['quoted']])
    const x = await sql(h.app, { sql: 'select v from x' })
    expect(x.json().rows).toEqual([[7]])
  })
})
