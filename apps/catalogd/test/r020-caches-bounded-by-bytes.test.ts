import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { Catalog } from '../src/catalog.ts'
import { request, seedFiles } from './fixtures.ts'

// catalogd's memory is bounded by bytes (ADR-020): however many datasets and files it has seen,
// its caches hold at most catalog.manifest_cache_bytes, report what they hold, and an evicted
// fact is read again from storage, the same.

const MAX = 64 * 1024

describe('catalog caches are bounded by bytes', () => {
  it('many datasets of many files stay under the bound, and evicted states read back the same', async () => {
    const storage = new MemoryStorage()
    const catalog = new Catalog(storage, { maxCommitAttempts: 8, cacheBytes: MAX, checkpointInterval: 100 })
    const committed = []
    for (let d = 0; d < 20; d++) {
      const ids = Array.from({ length: 100 }, (_, i) => `d${d}_${i}`)
      committed.push(await catalog.commit(`set${d}`, request('create', seedFiles(storage, `set${d}`, ids))))
    }
    const bytes = catalog.cacheBytes()
    expect(bytes.states).toBeGreaterThan(0)
    expect(bytes.states + bytes.versions).toBeLessThanOrEqual(MAX)
    for (const manifest of committed) expect(await catalog.getManifest(manifest.name)).toEqual(manifest)
    expect(catalog.cacheBytes().states + catalog.cacheBytes().versions).toBeLessThanOrEqual(MAX)
  })

  it('reports the bytes in /ready details and the catalog_cache_bytes gauge', async () => {
    const storage = new MemoryStorage()
    const config = testConfig({ catalog: { manifest_cache_bytes: MAX } })
    const app = buildApp({ config, storage })
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/v1/catalog/datasets/people/commits',
        payload: request('create', seedFiles(storage, 'people', ['a'])),
      })
      expect(created.statusCode).toBe(201)
      const ready = await app.inject({ url: '/ready' })
      const details = ready.json().checks.catalog_cache
      expect(details).toMatchObject({ ok: true, details: { max_bytes: MAX } })
      expect(details.details.states).toBeGreaterThan(0)
      const metrics = await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })
      expect(metrics.body).toMatch(/catalog_cache_bytes\{[^}]*cache="states"[^}]*\} [1-9]/)
    } finally {
      await app.close()
      config.cleanup()
    }
  })
})
