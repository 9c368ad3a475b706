import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { MemoryCatalog } from '@lakehouse/shared/testing/memory-catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngine } from '../src/duckdb-engine.ts'
import { EarlyUploader, isWholeParquet } from '../src/early-upload.ts'
import { Ingestor } from '../src/ingest.ts'

// Rule (ADR-023): a Parquet file is uploaded while DuckDB writes the next one, but only once it is
// whole (a later file exists and its footer is complete); the last file goes after COPY; each file
// is uploaded once, in order; what an ingest stores is exactly the Parquet DuckDB wrote.

let dir: string
let engine: DuckDBInstance
let conn: DuckDBConnection
let whole: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lh-ingest-early-'))
  engine = await openEngine({ tmpDir: dir, memoryLimit: '256MB', threads: 1 })
  conn = await engine.connect()
  whole = join(dir, 'whole.parquet')
  await conn.run(`COPY (SELECT i FROM range(1000) t(i)) TO '${whole}' (FORMAT parquet)`)
})
afterAll(() => {
  conn.closeSync()
  engine.closeSync()
  rmSync(dir, { recursive: true, force: true })
})

describe('early upload', () => {
  it('takes a whole file once a later one exists, never a torn one or the last one, and each once', async () => {
    const out = join(dir, 'out-a')
    mkdirSync(out)
    const uploads: string[] = []
    const uploader = new EarlyUploader(out, async (path) => {
      uploads.push(path)
      return `key-${uploads.length}`
    })
    const [p0, p1, p2] = [0, 1, 2].map((i) => join(out, `data_${i}.parquet`)) as [string, string, string]
    copyFileSync(whole, p0)
    copyFileSync(whole, p1)
    truncateSync(p1, 40) // being written when DuckDB is not done with it: no footer yet
    writeFileSync(p2, 'PAR1') // the last file, just begun
    uploader.start()
    await waitFor(async () => uploads.length > 0, 'the whole file with a later one uploaded early', 5_000)
    await uploader.stop()
    await uploader.settled()
    // p0 went; p1 has a later file but no footer; p2 is the last one.
    expect(uploads).toEqual([p0])
    copyFileSync(whole, p1)
    copyFileSync(whole, p2)
    expect(await uploader.keysOf([p0, p1, p2])).toEqual(['key-1', 'key-2', 'key-3'])
    expect(uploads).toEqual([p0, p1, p2])
    expect(await isWholeParquet(p0)).toBe(true)
  })

  it('an ingest of many files stores exactly the Parquet DuckDB wrote, in order', async () => {
    const store = new MemoryStorage()
    const catalog = new MemoryCatalog(store)
    const ingestor = new Ingestor({
      engine,
      store,
      catalog,
      limits: { tmpDir: join(dir, 'ingest'), maxUploadBytes: 1 << 30, maxFileBytes: 256 * 1024 },
      log: { info: () => undefined, warn: () => undefined },
    })
    const csv = join(dir, 'many.csv')
    await conn.run(`COPY (SELECT i AS id, md5(i::VARCHAR) AS h FROM range(300000) t(i)) TO '${csv}' (HEADER)`)
    const body = new PassThrough()
    body.end(await import('node:fs/promises').then((fs) => fs.readFile(csv)))
    const answer = await ingestor.ingest({ dataset: 'many', format: 'csv', mode: 'create', csv: {}, body })
    expect(answer.files.length).toBeGreaterThan(2)
    expect(answer.rows_ingested).toBe(300000)
    expect([...store.objects.keys()].filter((k) => k.includes('many/'))).toEqual(answer.files.map((f) => f.key).sort())
    let total = 0
    for (const file of answer.files) {
      const path = join(dir, 'check.parquet')
      const bytes = await store.getBuffer(file.key)
      expect(bytes.length).toBe(file.bytes)
      writeFileSync(path, bytes)
      const rows = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet('${path}')`)
      expect(rows.getRows()[0]?.[0]).toBe(file.rows)
      total += file.rows
    }
    expect(total).toBe(300000)
  })
})
