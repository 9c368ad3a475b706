import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { type App, InvalidRequest, UpstreamTimeout } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryCatalog } from '@lakehouse/shared/testing/memory-catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// POST /v1/ingest/<dataset> through app.inject, with the real DuckDB conversion and in-process
// stand-ins for storaged and catalogd (test/http.test.ts runs the real daemons).

const FIXTURES = resolve(import.meta.dirname, '../../../tests/fixtures/ingest')
const fixture = (name: string) => readFileSync(join(FIXTURES, name))

let config: ReturnType<typeof testConfig>
let store: MemoryStorage
let catalog: MemoryCatalog
let app: App
const tmpDir = () => join(config.paths.data_dir, 'tmp', 'ingest')

beforeEach(async () => {
  config = testConfig({ ingest: { max_upload_bytes: 64 * 1024, duckdb_threads: 1, duckdb_memory_limit: '256MB' } })
  store = new MemoryStorage()
  catalog = new MemoryCatalog(store)
  app = await buildApp({ config, store, catalog })
})
afterEach(async () => {
  await app.close()
  config.cleanup()
})

function ingest(
  dataset: string,
  query: string,
  payload?: Buffer | string | Readable,
  headers: Record<string, string> = {},
) {
  return app.inject({ method: 'POST', url: `/v1/ingest/${dataset}?${query}`, payload, headers })
}

describe('ingestd routes', () => {
  it('registers the ingest route next to health and readiness', () => {
    expect(app.hasRoute({ method: 'POST', url: '/v1/ingest/:dataset' })).toBe(true)
    expect(app.hasRoute({ method: 'GET', url: '/health' })).toBe(true)
  })

  it('ingests a CSV: answers with rows, version, schema and files, and commits once', async () => {
    const res = await ingest('people', 'format=csv', fixture('people.csv'))
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ dataset: 'people', version: 1, rows_ingested: 3 })
    expect(body.schema).toEqual([
      { name: 'id', type: 'BIGINT', nullable: true },
      { name: 'name', type: 'VARCHAR', nullable: true },
      { name: 'city', type: 'VARCHAR', nullable: true },
      { name: 'rate', type: 'BIGINT', nullable: true },
    ])
    expect(body.files).toHaveLength(1)
    expect(body.files[0].key).toMatch(/^datasets\/people\/data\/[0-9A-Z]{26}\.parquet$/)
    expect(store.bytes(body.files[0].key)?.subarray(0, 4).toString()).toBe('PAR1')
    expect(catalog.commits).toBe(1)
    expect(readdirSync(tmpDir())).toEqual([])
  })

  it('takes the format from an obvious content type, and requires it otherwise', async () => {
    const ok = await ingest('people', '', fixture('people.csv'), { 'content-type': 'text/csv' })
    expect(ok.statusCode).toBe(200)
    const missing = await ingest('people', '', fixture('people.csv'), { 'content-type': 'application/octet-stream' })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error.code).toBe('invalid_request')
  })

  it('rejects an unknown query field with 400 invalid_request', async () => {
    const res = await ingest('people', 'format=csv&colour=blue', fixture('people.csv'))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
    expect(catalog.commits).toBe(0)
  })

  it('refuses a dataset name with SQL in it with 400 invalid_name, writing nothing', async () => {
    const name = fixture('sql-name.txt').toString().trim()
    const res = await ingest(encodeURIComponent(name), 'format=csv', fixture('people.csv'))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_name')
    expect(store.objects.size).toBe(0)
  })

  it('answers 413 payload_too_large for a declared length over the cap', async () => {
    const res = await ingest('people', 'format=csv', Buffer.alloc(64 * 1024 + 1, 'a'))
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('answers 413 for a streamed body that passes the cap, and leaves no temp file', async () => {
    const chunks = Array.from({ length: 80 }, () => Buffer.alloc(1024, 'a'))
    const res = await ingest('people', 'format=csv', Readable.from(chunks), { 'transfer-encoding': 'chunked' })
    expect(res.statusCode, res.body).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
    expect(readdirSync(tmpDir())).toEqual([])
    expect(catalog.commits).toBe(0)
  })

  it('refuses an empty file and a 0-byte body with parse_error saying "empty"', async () => {
    for (const payload of [fixture('empty.csv'), undefined]) {
      const res = await ingest('people', 'format=csv', payload)
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'parse_error', message: expect.stringContaining('empty') })
    }
    expect(catalog.commits).toBe(0)
  })

  it('makes a header-only CSV a 0-row dataset with the header columns', async () => {
    const res = await ingest('empty_people', 'format=csv', fixture('header-only.csv'))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ rows_ingested: 0, version: 1 })
    expect(res.json().schema.map((c: { name: string }) => c.name)).toEqual(['id', 'name', 'city', 'rate'])
  })

  it('commits nothing and leaves the temp dir empty after each failure', async () => {
    await ingest('people', 'format=csv', fixture('people.csv'))
    const failures = [
      ['format=csv', 'ragged.csv', 400],
      ['format=csv', 'garbage.bin', 400],
      ['format=parquet', 'garbage.bin', 400],
      ['format=ndjson', 'garbage.bin', 400],
      ['format=csv', 'people-wrong-types.csv', 409],
      ['format=csv&mode=create', 'people.csv', 409],
    ] as const
    for (const [query, file, status] of failures) {
      const res = await ingest('people', query, fixture(file))
      expect(res.statusCode, `${query} ${file}`).toBe(status)
      expect(readdirSync(tmpDir()), `${query} ${file}`).toEqual([])
    }
    expect(catalog.commits).toBe(1)
    expect(store.keys('datasets/')).toHaveLength(1)
  })

  it('names the line of a ragged CSV in the parse_error', async () => {
    const res = await ingest('ragged', 'format=csv', fixture('ragged.csv'))
    expect(res.json().error).toMatchObject({ code: 'parse_error', message: expect.stringContaining('line 3') })
  })

  it('refuses wrong types on append with 409 schema_mismatch naming the column', async () => {
    await ingest('people', 'format=csv', fixture('people.csv'))
    const res = await ingest('people', 'format=csv', fixture('people-wrong-types.csv'))
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toMatchObject({ code: 'schema_mismatch', message: expect.stringContaining('"id"') })
  })

  it('appends NDJSON with columns in another order, a new nullable column and a widened type', async () => {
    await ingest('people', 'format=csv', fixture('people.csv'))
    const res = await ingest('people', 'format=ndjson', fixture('people-append.ndjson'))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ version: 2, rows_ingested: 2 })
    expect(res.json().schema.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual([
      'id:BIGINT',
      'name:VARCHAR',
      'city:VARCHAR',
      'rate:DOUBLE',
      'team:VARCHAR',
    ])
  })

  it('replaces a dataset with mode=replace, and refuses mode=create on an existing one', async () => {
    await ingest('people', 'format=csv', fixture('people.csv'))
    const replaced = await ingest('people', 'format=json&mode=replace', fixture('people-array.json'))
    expect(replaced.json()).toMatchObject({ version: 2, rows_ingested: 1 })
    expect((await catalog.getManifest('people')).row_count).toBe(1)
    const created = await ingest('people', 'format=csv&mode=create', fixture('people.csv'))
    expect(created.statusCode).toBe(409)
    expect(created.json().error.code).toBe('already_exists')
  })

  it('plans again against the new schema when a commit loses a race to a schema change', async () => {
    await ingest('people', 'format=csv', fixture('people.csv'))
    // A rival widens id to DOUBLE just before our commit: the append must be re-planned on that
    // schema, not committed on the one it read first.
    catalog.beforeCommit = (name) => {
      const current = catalog.versions.get(name)?.at(-1)
      if (!current) return
      const schema = current.schema.map((f) => (f.name === 'id' ? { ...f, type: 'DOUBLE' } : f))
      expect(schema).not.toEqual(current.schema)
      catalog.versions.set(name, [...(catalog.versions.get(name) ?? []), { ...current, version: 2, schema }])
    }
    const res = await ingest('people', 'format=ndjson', fixture('people-append.ndjson'))
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().version).toBe(3)
    const committed = await catalog.getManifest('people', 3)
    expect(committed.schema.find((f) => f.name === 'id')?.type).toBe('DOUBLE')
    expect(committed.schema.map((f) => f.name)).toEqual(['id', 'name', 'city', 'rate', 'team'])
    expect(store.keys('datasets/')).toHaveLength(2)
  })
})

describe('data files of a failed commit', () => {
  it('deletes them when catalogd refused the commit', async () => {
    catalog.beforeCommit = () => {
      throw new InvalidRequest('refused')
    }
    const res = await ingest('people', 'format=csv', fixture('people.csv'))
    expect(res.statusCode).toBe(400)
    expect(store.keys('datasets/')).toEqual([])
  })

  it('keeps them for the vacuum when the outcome is unknown (the commit may have landed)', async () => {
    catalog.beforeCommit = () => {
      throw new UpstreamTimeout('catalogd did not answer in time')
    }
    const res = await ingest('people', 'format=csv', fixture('people.csv'))
    expect(res.statusCode).toBe(504)
    expect(store.keys('datasets/')).toHaveLength(1)
    expect(readdirSync(tmpDir())).toEqual([])
  })
})

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and ingests nothing twice', async () => {
    const headers = { 'idempotency-key': 'load-42' }
    const first = await ingest('people', 'format=csv', fixture('people.csv'), headers)
    const again = await ingest('people', 'format=csv', fixture('people.csv'), headers)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first.json())
    expect(catalog.commits).toBe(1)
    expect(store.keys('datasets/')).toHaveLength(1)
  })

  it('refuses the same key with another body with 409 idempotency_key_reused', async () => {
    const headers = { 'idempotency-key': 'load-43' }
    await ingest('people', 'format=csv', fixture('people.csv'), headers)
    const other = await ingest('people', 'format=csv', fixture('header-only.csv'), headers)
    expect(other.statusCode).toBe(409)
    expect(other.json().error.code).toBe('idempotency_key_reused')
    expect(catalog.commits).toBe(1)
  })

  it.each([
    ['append', 'load-44'],
    ['create', 'load-45'],
  ])('finds the first commit through the catalog when the answer was never recorded (mode=%s)', async (mode, key) => {
    const headers = { 'idempotency-key': key }
    const query = `format=csv&mode=${mode}`
    const first = await ingest('people', query, fixture('people.csv'), headers)
    // As after a crash between the commit and the record: the claim is there, the answer is not.
    for (const key of store.keys('ingest/idempotency/')) {
      const record = JSON.parse(store.bytes(key)?.toString() ?? '{}')
      delete record.answer
      store.seed(key, JSON.stringify(record))
    }
    const again = await ingest('people', query, fixture('people.csv'), headers)
    expect(again.json()).toEqual(first.json())
    expect(catalog.commits).toBe(1)
    expect(store.keys('datasets/')).toHaveLength(1)
  })
})
