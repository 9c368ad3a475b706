import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// Issue 15 item 1 (ADR-021): a query fetches and leases only the files of the datasets it reads.
// `broken`'s files cannot be fetched (storage refuses them): a query of `people` still works and
// never asks for them, a query of a name that is no dataset fetches nothing at all, and only a
// query that reads `broken` fails.

describe('a query touches only the files it reads', () => {
  let h: Harness
  const brokenKey = 'datasets/broken/data/1.parquet'
  beforeAll(async () => {
    h = await startHarness()
    const rows = await writeParquet(h.root, brokenKey, 'select 1 as x')
    h.catalog.commit('broken', [{ key: brokenKey, rows }])
    h.objects.refused.add(brokenKey)
  })
  afterAll(async () => h.close())

  it('answers a query of one dataset while another one is unreachable, and never fetches the other', async () => {
    for (const text of [
      'select count(*) from people',
      'select p.name from people p join (select 1 as id) o on p.id = o.id',
      'with c as (select * from people) select count(*) from c',
      'select count(*) from people where id in (select id from people where city = $1)',
      'select 1 union all select id from people',
      'explain select * from people',
      'select (select max(id) from people) as m',
    ]) {
      const res = await sql(h.app, { sql: text, params: text.includes('$1') ? ['Paris'] : undefined })
      expect(res.statusCode, `${text}: ${res.body}`).toBe(200)
    }
    expect(h.objects.gets).not.toContain(brokenKey)
  })

  it('fetches nothing for a query over a name that is not a dataset', async () => {
    const gets = h.objects.gets.length
    const res = await sql(h.app, { sql: 'select * from nothing_here' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('sql_error')
    expect(h.objects.gets.length).toBe(gets)
  })

  it('fails only the query that reads the unreachable dataset', async () => {
    const res = await sql(h.app, { sql: 'select * from people, broken' })
    expect(res.statusCode).toBeGreaterThanOrEqual(500)
    expect(h.objects.gets).toContain(brokenKey)
    expect((await sql(h.app, { sql: 'select count(*) from people' })).json().rows).toEqual([[5]])
  })

  it('costs a query that reads no table no round trip at all', async () => {
    const [heads, gets, manifests, lists] = [
      h.objects.heads.length,
      h.objects.gets.length,
      h.catalog.gets,
      h.catalog.lists,
    ]
    expect((await sql(h.app, { sql: 'select 42' })).json().rows).toEqual([[42]])
    expect([h.objects.heads.length, h.objects.gets.length, h.catalog.gets, h.catalog.lists]).toEqual([
      heads,
      gets,
      manifests,
      lists,
    ])
  })
})
