import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DataFile } from '@lakehouse/shared/clients/catalog.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import {
  type Catalogd,
  NEW_SCHEMA,
  OLD_SCHEMA,
  ROWS_PER_FILE,
  rowsOf,
  smallAppends,
  startCatalogd,
} from './compaction-fixtures.ts'
import { ParquetLab } from './parquet-lab.ts'

// Compaction on demand (ADR-022): POST /v1/catalog/datasets/<name>/compact rewrites the small files
// of a dataset into fewer files holding the very same rows (read back with DuckDB, as queryd reads
// them: union by name across schema-evolved files), and the version before it stays readable.

let lab: ParquetLab
let storage: MemoryStorage
let catalogd: Catalogd

beforeAll(async () => {
  lab = await ParquetLab.open()
})
afterAll(() => lab.close())

beforeEach(() => {
  storage = new MemoryStorage()
  catalogd = startCatalogd(storage)
})
afterEach(() => catalogd.close())

/** What a reader of these files sees: the figures, every row in order, and the column types. */
async function contentOf(files: readonly DataFile[]) {
  return {
    figures: await lab.query(
      storage,
      files,
      'SELECT count(*), sum(id), sum(rate), count(rate), count(DISTINCT city), min(id), max(id) FROM $files',
    ),
    ordered: await lab.query(storage, files, 'SELECT id, city, rate FROM $files ORDER BY id'),
    scanned: await lab.query(storage, files, 'SELECT id FROM $files'),
    columns: await lab.query(storage, files, 'SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM $files)'),
  }
}

describe('compaction on demand', () => {
  it('rewrites 12 small schema-evolved files into one holding the same rows, in the same order', async () => {
    const small = await smallAppends(lab, storage, catalogd, 'events', 12)
    const before = await catalogd.manifest('events')
    expect(before.files).toEqual(small)

    const { status, body } = await catalogd.compact('events')
    expect(status).toBe(200)
    expect(body).toMatchObject({ compacted: true, files_removed: 12, files_added: 1 })
    const after = await catalogd.manifest('events')
    expect(body.manifest).toEqual(after)
    expect(after).toMatchObject({ version: before.version + 1, operation: 'compact', row_count: 12 * ROWS_PER_FILE })
    expect(after.schema).toEqual(NEW_SCHEMA)
    expect(after.files).toHaveLength(1)
    expect(after.files[0]?.key).toMatch(/^datasets\/events\/data\/[0-9A-HJKMNP-TV-Z]{26}\.parquet$/)
    expect(after.files[0]?.rows).toBe(12 * ROWS_PER_FILE)
    expect(
      storage
        .bytes(after.files[0]?.key as string)
        ?.subarray(0, 4)
        .toString(),
    ).toBe('PAR1')

    const was = await contentOf(before.files)
    expect(was.figures[0]?.[0]).toBe('600')
    expect(await contentOf(after.files)).toEqual(was)
  })

  it('shows as a compact version in the history', async () => {
    await smallAppends(lab, storage, catalogd, 'events', 3)
    await catalogd.compact('events')
    const res = await catalogd.app.inject({ method: 'GET', url: '/v1/catalog/datasets/events/versions' })
    expect(res.json().versions.map((v: { operation: string }) => v.operation)).toEqual([
      'create',
      'append',
      'append',
      'compact',
    ])
  })

  it('time travel to the version before the compaction still reads its files and rows', async () => {
    const small = await smallAppends(lab, storage, catalogd, 'events', 5)
    const before = await catalogd.manifest('events')
    await catalogd.compact('events')
    const old = await catalogd.manifest('events', before.version)
    expect(old).toEqual(before)
    for (const file of small) expect(storage.bytes(file.key)).toBeDefined()
    const latest = await catalogd.manifest('events')
    expect(await contentOf(old.files)).toEqual(await contentOf(latest.files))
  })

  it('answers compacted: false and commits nothing when there is under two small files', async () => {
    await smallAppends(lab, storage, catalogd, 'lonely', 1)
    const { status, body } = await catalogd.compact('lonely')
    expect(status).toBe(200)
    expect(body).toMatchObject({ compacted: false, files_removed: 0, files_added: 0 })
    expect(body.reason).toMatch(/nothing to compact/)
    expect(body.manifest.version).toBe(1)
    expect((await catalogd.manifest('lonely')).version).toBe(1)
  })

  it('leaves files at half the target size or above alone', async () => {
    const tight = startCatalogd(storage, { compaction_target_bytes: 1 })
    try {
      await smallAppends(lab, storage, tight, 'big', 3)
      const { body } = await tight.compact('big')
      expect(body.compacted).toBe(false)
    } finally {
      await tight.close()
    }
  })

  it("writes the dataset's widened types when every file it rewrites holds the narrower one", async () => {
    const wide = startCatalogd(storage, { compaction_target_bytes: 60_000 })
    try {
      await smallAppends(lab, storage, wide, 'mixed', 1)
      const second = await lab.seed(storage, 'mixed', 'f0001', rowsOf(1, 'old'))
      await wide.commit('mixed', { operation: 'append', schema: OLD_SCHEMA, files: [second] })
      const big = await lab.seed(storage, 'mixed', 'big', rowsOf(2, 'new', 20_000))
      expect(big.bytes).toBeGreaterThanOrEqual(30_000)
      await wide.commit('mixed', { operation: 'append', schema: NEW_SCHEMA, files: [big] })
      const { body } = await wide.compact('mixed')
      expect(body).toMatchObject({ compacted: true, files_removed: 2, files_added: 1 })
      const [rewritten] = body.manifest.files
      const types = await lab.query(
        storage,
        [rewritten as DataFile],
        'SELECT column_type FROM (DESCRIBE SELECT id FROM $files)',
      )
      expect(types).toEqual([['BIGINT']])
    } finally {
      await wide.close()
    }
  })

  it('removes the temp folders of passes whose process is gone, and keeps those of a live one', async () => {
    const parent = join(catalogd.dataDir, 'tmp', 'compaction')
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    const orphan = join(parent, `${gone}-events-abc123`)
    const replicas = join(parent, `${process.ppid}-events-def456`)
    for (const dir of [orphan, replicas]) mkdirSync(join(dir, 'in'), { recursive: true })
    await smallAppends(lab, storage, catalogd, 'events', 2)
    expect((await catalogd.compact('events')).body.compacted).toBe(true)
    expect(readdirSync(parent)).toEqual([`${process.ppid}-events-def456`])
  })

  it('is 404 not_found for a dataset that does not exist, and 400 for a bad name', async () => {
    const missing = await catalogd.compact('nope')
    expect(missing.status).toBe(404)
    expect(missing.body.error?.code).toBe('not_found')
    expect((await catalogd.compact('Bad-Name')).status).toBe(400)
  })

  it('needs the write scope: a read token is 403 forbidden, a write token compacts', async () => {
    const token = (c: string) => c.repeat(20)
    const config = testConfig({
      auth: {
        token: token('a'),
        tokens: [
          { name: 'reader', token: token('r'), scopes: ['read'] },
          { name: 'writer', token: token('w'), scopes: ['write'] },
        ],
      },
    })
    const app = buildApp({ config, storage })
    try {
      const as = (bearer: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/catalog/datasets/nope/compact',
          headers: { authorization: `Bearer ${bearer}` },
          payload: {},
        })
      expect((await as(token('r'))).statusCode).toBe(403)
      // past the scope check, the dataset is looked up: 404 proves the write token got through
      expect((await as(token('w'))).statusCode).toBe(404)
    } finally {
      await app.close()
      config.cleanup()
    }
  })
})
