import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryCatalog } from '@lakehouse/shared/testing/memory-catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule (issue 18 item 4, ADR-023): ingestd shows its DuckDB's memory against the configured limit,
// in /ready details and as a metric.

describe('ingestd reports its engine memory', () => {
  it('in /ready and the metrics, with the configured limit', async () => {
    const config = testConfig({ ingest: { duckdb_threads: 1, duckdb_memory_limit: '256MB' } })
    const store = new MemoryStorage()
    const app = await buildApp({ config, store, catalog: new MemoryCatalog(store) })
    try {
      const ready = (await app.inject({ url: '/ready' })).json()
      const duckdb = ready.checks.duckdb
      expect(duckdb.ok).toBe(true)
      expect(JSON.stringify(duckdb)).toMatch(/"memory_limit":"2\d\d\.\d+ MiB"/)
      expect(JSON.stringify(duckdb)).toMatch(/"used_bytes":\d+/)
      const metrics = (await app.inject({ url: '/metrics' })).body
      expect(metrics).toMatch(/^ingest_duckdb_memory_bytes\{service="ingestd"\} \d+$/m)
    } finally {
      await app.close()
      config.cleanup()
    }
  })
})
