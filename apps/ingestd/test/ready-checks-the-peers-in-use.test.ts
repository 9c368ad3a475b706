import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryCatalog } from '@lakehouse/shared/testing/memory-catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule (issue 10 item 3): /ready checks the peers the app runs with. Built with in-memory peers,
// ingestd is ready although nothing listens at its configured storaged and catalogd addresses.

describe('ingestd /ready', () => {
  it('checks the peers it was given, not the configured addresses', async () => {
    const config = testConfig({
      peers: { storaged: 'http://127.0.0.1:9', catalogd: 'http://127.0.0.1:9' },
      ingest: { duckdb_threads: 1, duckdb_memory_limit: '256MB' },
    })
    const app = await buildApp({ config, store: new MemoryStorage(), catalog: new MemoryCatalog() })
    try {
      const res = await app.inject({ url: '/ready' })
      expect(res.json()).toMatchObject({ ready: true, checks: { storaged: { ok: true }, catalogd: { ok: true } } })
    } finally {
      await app.close()
      config.cleanup()
    }
  })
})
