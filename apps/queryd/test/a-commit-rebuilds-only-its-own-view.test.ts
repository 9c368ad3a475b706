import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// Issue 18 item 3 (ADR-021): a commit to one dataset re-creates that dataset's view only, and a
// view over N files is built without a round trip per cached file, its missing files fetched in
// parallel.

describe('a commit rebuilds only its own view', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ fetch_concurrency: 4 })
  })
  afterAll(async () => h.close())

  it('leaves the other views alone when one dataset moves', async () => {
    const rows = await writeParquet(h.root, 'datasets/other/data/1.parquet', 'select 1 as b')
    h.catalog.commit('other', [{ key: 'datasets/other/data/1.parquet', rows }])
    await sql(h.app, { sql: 'select * from people, other' })
    const created = h.app.queryService.views.created
    const manifests = h.catalog.gets
    h.catalog.commit('other', [{ key: 'datasets/other/data/1.parquet', rows }])
    expect((await sql(h.app, { sql: 'select count(*) from people, other' })).json().rows).toEqual([[5]])
    // One view re-created, one manifest read: `other`'s, never `people`'s.
    expect(h.app.queryService.views.created).toBe(created + 1)
    expect(h.catalog.gets).toBe(manifests + 1)
  })

  it('builds a view over many files with their downloads in parallel, and fetches cached files never again', async () => {
    const files: Array<{ key: string; rows: number }> = []
    for (let i = 0; i < 12; i += 1) {
      const key = `datasets/many/data/${String(i).padStart(2, '0')}.parquet`
      files.push({ key, rows: await writeParquet(h.root, key, `select ${i} as n`) })
    }
    let inFlight = 0
    let peak = 0
    const getStream = h.objects.getStream.bind(h.objects)
    h.objects.getStream = async (key) => {
      inFlight += 1
      peak = Math.max(peak, inFlight)
      try {
        // Yields to the event loop, so that a sequential acquire would show a peak of 1.
        await new Promise((resolve) => setImmediate(resolve))
        return await getStream(key)
      } finally {
        inFlight -= 1
      }
    }
    h.catalog.commit('many', files)
    expect((await sql(h.app, { sql: 'select sum(n) from many' })).json().rows).toEqual([[66]])
    expect(peak).toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(4)
    const gets = h.objects.gets.length
    h.catalog.commit('many', [...files, files[0] as { key: string; rows: number }].slice(0, 12))
    expect((await sql(h.app, { sql: 'select sum(n) from many' })).json().rows).toEqual([[66]])
    expect(h.objects.gets.length).toBe(gets)
  })

  it('drops the view of a deleted dataset and then probes above its tombstone only', async () => {
    h.catalog.drop('other')
    expect((await sql(h.app, { sql: 'select * from other' })).statusCode).toBe(400)
    const [heads, manifests] = [h.objects.heads.length, h.catalog.gets]
    expect((await sql(h.app, { sql: 'select * from other' })).statusCode).toBe(400)
    expect([h.objects.heads.length, h.catalog.gets]).toEqual([heads + 1, manifests])
  })
})
