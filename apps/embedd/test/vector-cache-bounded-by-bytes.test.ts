import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { ENTRY_OVERHEAD_BYTES, VectorCache } from '../src/vector-cache.ts'

// Rule (issue 18 item 4, ADR-023): the vector cache is bounded by bytes, counted per entry as its
// float32s, its key and the measured overhead (ADR-036), so the limit is about the RSS it takes;
// the limit and the fill are shown in /ready and in the metrics.

const DIM = 768

describe('the vector cache is bounded by bytes', () => {
  it('never accounts more than cache_max_bytes, and each entry at least its vector plus the overhead', async () => {
    const perEntry = DIM * 4 + ENTRY_OVERHEAD_BYTES
    const cache = new VectorCache({ maxEntries: 100_000, maxBytes: 10 * perEntry + 1000 })
    const map = cache.cacheMapOf('hashing-768', DIM, 'document')
    for (let i = 0; i < 200; i++) map.set(VectorCache.textKey(`text ${i}`), Promise.resolve(new Float32Array(DIM)))
    // A vector enters the LRU once its promise has settled.
    await new Promise((resolve) => setImmediate(resolve))
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes)
    expect(cache.size).toBeGreaterThan(0)
    expect(cache.size).toBeLessThanOrEqual(10)
    expect(cache.bytes / cache.size).toBeGreaterThanOrEqual(perEntry)
  })

  describe('reported', () => {
    let config: ReturnType<typeof testConfig>
    afterEach(() => config.cleanup())

    it('in /ready details and the metrics', async () => {
      config = testConfig({ embed: { cache_max_bytes: 1_000_000 } })
      const app = buildApp({ config })
      try {
        await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['a', 'b', 'c'] } })
        const ready = (await app.inject({ method: 'GET', url: '/ready' })).json()
        expect(JSON.stringify(ready)).toContain('"max_bytes":1000000')
        expect(JSON.stringify(ready)).toContain('"entries":3')
        const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
        expect(metrics).toMatch(/^embed_cache_max_bytes\{service="embedd"\} 1000000$/m)
        expect(metrics).toMatch(/^embed_cache_entries\{service="embedd"\} 3$/m)
      } finally {
        await app.close()
      }
    })
  })
})
