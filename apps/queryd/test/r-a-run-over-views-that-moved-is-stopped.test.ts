import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// ADR-031: with a chunk permit free, a query's run starts while storage says whether its views
// moved. When they moved, that run is stopped (DuckDB interrupted), not waited for: a long run
// over the old views would otherwise hold the query, its connection and its permit to the end
// before the query could even bind again. The query here is enormous over the old version and
// trivial over the new one; storage answers the freshness HEAD slowly, so the old run is under way.

const LOOPS = 'select sum(i % 7) as s from range((select max(n) from loops)) t(i)'
const SLOW_HEAD_MS = 300
const DEADLINE_MS = 20_000

describe('r-a-run-over-views-that-moved-is-stopped', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ threads: 2, default_timeout_ms: 60_000, max_timeout_ms: 60_000 })
  })
  afterAll(async () => h.close())

  it('stops the run over the old views and answers over the new ones', async () => {
    // Version 1: a trillion loops. Its view is built by a cheap query that never runs them.
    const huge = await writeParquet(h.root, 'datasets/loops/data/1.parquet', 'select 1000000000000::BIGINT as n')
    h.catalog.commit('loops', [{ key: 'datasets/loops/data/1.parquet', rows: huge }])
    expect((await sql(h.app, { sql: 'select count(*) from loops' })).json().rows).toEqual([[1]])
    // Version 2: one loop. Committed before the query starts, so the query must see it.
    const tiny = await writeParquet(h.root, 'datasets/loops/data/2.parquet', 'select 1::BIGINT as n')
    h.catalog.commit('loops', [{ key: 'datasets/loops/data/2.parquet', rows: tiny }])
    const head = h.objects.head.bind(h.objects)
    h.objects.head = async (key) => {
      await new Promise((resolve) => setTimeout(resolve, SLOW_HEAD_MS))
      return head(key)
    }
    const dropped = h.app.queryService.engine.runsDropped
    const answer = sql(h.app, { sql: LOOPS })
    const stalled = new Promise((resolve) => setTimeout(() => resolve('stalled'), DEADLINE_MS).unref())
    const first = await Promise.race([answer, stalled])
    expect(first).not.toBe('stalled')
    const response = await answer
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().rows).toEqual([[0]])
    expect(h.app.queryService.engine.runsDropped).toBe(dropped + 1)
  }, 60_000)
})
