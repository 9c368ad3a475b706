import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { DuckDBInstance } from '@duckdb/node-api'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { MemoryCatalog } from '@lakehouse/shared/testing/memory-catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../src/duckdb-engine.ts'
import { Ingestor } from '../src/ingest.ts'

// Rule (ADR-023): an ingest asks the catalog for the dataset's manifest while its body is still
// arriving, so that round trip is off the ingest's critical path; and it asks exactly once when no
// race is lost (app.test.ts covers the fresh read after a lost race).

let dir: string
let engine: DuckDBInstance
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lh-ingest-prefetch-'))
  engine = await openEngine({ tmpDir: dir, memoryLimit: '256MB', threads: 1 })
})
afterAll(() => {
  engine.closeSync()
  rmSync(dir, { recursive: true, force: true })
})

describe('the manifest is fetched while the body arrives', () => {
  it('asks the catalog before the upload has ended, and once', async () => {
    const store = new MemoryStorage()
    const catalog = new MemoryCatalog(store)
    let manifestReads = 0
    const getManifest = catalog.getManifest.bind(catalog)
    catalog.getManifest = (name, version) => {
      manifestReads++
      return getManifest(name, version)
    }
    const silent = { info: () => undefined, warn: () => undefined }
    const ingestor = new Ingestor({
      engine,
      store,
      catalog,
      limits: { tmpDir: dir, maxUploadBytes: 1 << 20, maxFileBytes: 1 << 20 },
      log: silent,
    })
    const body = new PassThrough()
    body.write('id,name\n1,Ada\n')
    const done = ingestor.ingest({ dataset: 'people', format: 'csv', mode: 'append', csv: {}, body })
    await waitFor(async () => manifestReads > 0, 'the manifest read before the body ended', 5_000)
    body.end('2,Grace\n')
    expect(await done).toMatchObject({ rows_ingested: 2, version: 1 })
    expect(manifestReads).toBe(1)
  })
})
