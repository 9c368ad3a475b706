import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

// ADR-021: the statement guard's verdicts are cached by SQL text within query.guard_cache_bytes,
// refusals are never cached, and what each bounded memory holds is reported in /ready and /metrics.

const LIMIT = 4096

describe('the guard cache is bounded and reported', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ guard_cache_bytes: LIMIT })
  })
  afterAll(async () => h.close())

  it('checks a repeated statement once, and refuses a refused one every time', async () => {
    const cache = h.app.queryService.engine.guardCache
    const hits = cache.hits
    await sql(h.app, { sql: 'select count(*) from people where city = $1', params: ['Paris'] })
    const again = await sql(h.app, { sql: 'select count(*) from people where city = $1', params: ['Lyon'] })
    expect(again.json().rows).toEqual([[1]])
    expect(cache.hits).toBe(hits + 1)
    for (let i = 0; i < 2; i += 1) {
      const refused = await sql(h.app, { sql: "copy (select 1) to 'x.csv'" })
      expect(refused.statusCode).toBe(403)
    }
    expect(cache.hits).toBe(hits + 1)
  })

  it('keeps the cached verdicts within query.guard_cache_bytes', async () => {
    for (let i = 0; i < 200; i += 1) await sql(h.app, { sql: `select ${i} as n, count(*) from people` })
    const cache = h.app.queryService.engine.guardCache
    expect(cache.bytes).toBeGreaterThan(0)
    expect(cache.bytes).toBeLessThanOrEqual(LIMIT)
  })

  it('reports each bounded memory against its limit in /ready and in /metrics', async () => {
    const ready = await h.app.inject({ method: 'GET', url: '/ready' })
    const details = ready.json().checks.memory.details
    expect(details.guard_cache_max_bytes).toBe(LIMIT)
    expect(details.guard_cache_bytes).toBeLessThanOrEqual(LIMIT)
    expect(details.parquet_cache_bytes).toBeGreaterThan(0)
    expect(details.views).toBeGreaterThan(0)
    expect(typeof details.duckdb_memory_bytes).toBe('number')
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/query_phase_seconds_count\{[^}]*phase="freshness"[^}]*\} [1-9]/)
    expect(metrics).toMatch(/query_guard_cache_bytes\{[^}]*\} [1-9]/)
    expect(metrics).toMatch(/query_duckdb_memory_bytes\{[^}]*tag=/)
  })
})
