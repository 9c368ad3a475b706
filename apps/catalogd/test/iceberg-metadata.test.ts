import { readFileSync } from 'node:fs'
import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import avro from 'avsc'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { deriveIceberg, type VersionObjects } from '../src/iceberg-metadata.ts'
import { dataFile, request, seedFiles, WIDER_SCHEMA } from './fixtures.ts'

// Iceberg metadata derived from a dataset's history (ADR-016): one snapshot per catalog version,
// Avro files that decode with the spec's schemas, byte-identical on every derivation, and a REST
// catalog answer that points at objects that exist.

const WAREHOUSE = 's3://bucket'
/** The spec's schemas, kept apart from catalogd's copy (tests/fixtures/iceberg/README.md). */
const spec = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../tests/fixtures/iceberg/${file}`, import.meta.url), 'utf8'))
const MANIFEST_ENTRY_SCHEMA = spec('manifest-entry.v2.json')
const MANIFEST_FILE_SCHEMA = spec('manifest-file.v2.json')
const config = testConfig({ catalog: { iceberg_warehouse: WAREHOUSE } })
afterAll(() => config.cleanup())

/** The records of an Avro container, decoded by avsc; its writer schema must be the spec's and every record valid under it. */
async function decode(body: Buffer, schema: unknown): Promise<{ records: unknown[]; meta: Record<string, string> }> {
  const decoder = new avro.streams.BlockDecoder()
  const records: unknown[] = []
  const meta: Record<string, string> = {}
  decoder.on('metadata', (_type: avro.Type, _codec: string, header: { meta: Record<string, Buffer> }) => {
    for (const [key, value] of Object.entries(header.meta)) meta[key] = value.toString()
  })
  decoder.on('data', (record: unknown) => records.push(record))
  const done = new Promise((resolve, reject) => decoder.on('end', resolve).on('error', reject))
  decoder.end(body)
  await done
  expect(JSON.parse(meta['avro.schema'] as string)).toEqual(schema)
  const spec = avro.Type.forSchema(schema as avro.Schema)
  for (const record of records) expect(spec.isValid(record)).toBe(true)
  return { records, meta }
}

function manifest(
  version: number,
  operation: Manifest['operation'],
  files: Manifest['files'],
  extra: Partial<Manifest> = {},
): Manifest {
  return {
    name: 'sales',
    version,
    operation,
    schema: request('create', []).schema,
    files,
    row_count: files.reduce((n, f) => n + f.rows, 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    created_at: '2026-01-01T00:00:00.000Z',
    committed_at: `2026-01-01T00:00:0${version}.000Z`,
    ...extra,
  }
}

const a = dataFile('sales', 'a', 3)
const b = dataFile('sales', 'b', 4)
const c = dataFile('sales', 'c', 5)
const HISTORY: Manifest[] = [
  manifest(1, 'create', [a]),
  manifest(2, 'append', [a, b]),
  manifest(3, 'replace', [c], { schema: WIDER_SCHEMA }),
  manifest(4, 'delete', [], { deleted: true, schema: WIDER_SCHEMA }),
]

function derive(from = 1): VersionObjects[] {
  const out: VersionObjects[] = []
  deriveIceberg(HISTORY, WAREHOUSE, (v) => out.push(v), from)
  return out
}

const json = (v: VersionObjects) => JSON.parse(String(v.objects.at(-1)?.body))

describe('iceberg metadata', () => {
  it('is byte-identical on every derivation (two replicas agree)', () => {
    expect(derive()).toEqual(derive())
    // A pass after one commit replays the earlier versions without encoding them: same bytes.
    expect(derive(3)).toEqual(derive().slice(2))
  })

  it('has one snapshot per version: append, append, overwrite, then none current after a delete', () => {
    const versions = derive()
    expect(versions.map((v) => v.objects.at(-1)?.key)).toEqual(
      [1, 2, 3, 4].map((n) => `iceberg/sales/metadata/v${n}.metadata.json`),
    )
    const last = json(versions[3] as VersionObjects)
    expect(last['format-version']).toBe(2)
    expect(last['current-snapshot-id']).toBe(-1)
    expect(last.snapshots.map((s: { summary: { operation: string } }) => s.summary.operation)).toEqual([
      'append',
      'append',
      'overwrite',
    ])
    const v3 = json(versions[2] as VersionObjects)
    expect(v3['current-snapshot-id']).toBe(3)
    expect(v3.schemas).toHaveLength(2)
    expect(v3.schemas[1].fields.map((f: { id: number; name: string }) => [f.id, f.name])).toEqual([
      [1, 'id'],
      [2, 'city'],
      [3, 'rate'],
    ])
    expect(JSON.parse(v3.properties['schema.name-mapping.default'])).toEqual([
      { 'field-id': 1, names: ['id'] },
      { 'field-id': 2, names: ['city'] },
      { 'field-id': 3, names: ['rate'] },
    ])
  })

  it('keeps a field id across Iceberg promotions and gives a new one to any other type change', () => {
    const typed = (v: number, types: string[]) =>
      manifest(v, v === 1 ? 'create' : 'append', [], {
        schema: types.map((type, i) => ({ name: `c${i}`, type, nullable: true })),
      })
    const history = [
      typed(1, ['TINYINT', 'FLOAT', 'BIGINT']),
      typed(2, ['INTEGER', 'DOUBLE', 'BIGINT']),
      typed(3, ['BIGINT', 'DOUBLE', 'DOUBLE']),
    ]
    const out: VersionObjects[] = []
    deriveIceberg(history, WAREHOUSE, (v) => out.push(v))
    const ids = (v: VersionObjects) =>
      json(v)
        .schemas.at(-1)
        .fields.map((f: { id: number; type: string }) => `${f.id}:${f.type}`)
    expect(out.map(ids)).toEqual([
      ['1:int', '2:float', '3:long'],
      ['1:int', '2:double', '3:long'],
      ['1:long', '2:double', '4:double'],
    ])
  })

  it('writes manifests and manifest lists that decode with the spec schemas; an append reuses the manifests before it', async () => {
    const [v1, v2, v3] = derive() as [VersionObjects, VersionObjects, VersionObjects]
    const [firstManifest] = v1.objects
    const [manifestObject, listObject] = v2.objects
    const entries = await decode(manifestObject?.body as Buffer, MANIFEST_ENTRY_SCHEMA)
    expect(entries.meta['format-version']).toBe('2')
    const statuses = (records: unknown[]) =>
      records.map((r) => {
        const e = r as { status: number; data_file: { file_path: string; record_count: number } }
        return [e.status, e.data_file.file_path, e.data_file.record_count]
      })
    // Issue 18: the append's manifest holds only what it added; version 1's manifest is listed as it is.
    expect(statuses(entries.records)).toEqual([[1, `${WAREHOUSE}/${b.key}`, 4]])
    const list = await decode(listObject?.body as Buffer, MANIFEST_FILE_SCHEMA)
    expect(list.records).toMatchObject([
      {
        manifest_path: `${WAREHOUSE}/${firstManifest?.key}`,
        manifest_length: firstManifest?.body.length,
        sequence_number: 1,
        added_files_count: 1,
      },
      {
        manifest_path: `${WAREHOUSE}/${manifestObject?.key}`,
        manifest_length: manifestObject?.body.length,
        sequence_number: 2,
        min_sequence_number: 2,
        added_files_count: 1,
        existing_files_count: 0,
      },
    ])
    // A replace removes files: one fresh manifest of the live set, listed alone.
    const [replaced, replacedList] = v3.objects
    expect(statuses((await decode(replaced?.body as Buffer, MANIFEST_ENTRY_SCHEMA)).records)).toEqual([
      [1, `${WAREHOUSE}/${c.key}`, 5],
    ])
    expect((await decode(replacedList?.body as Buffer, MANIFEST_FILE_SCHEMA)).records).toHaveLength(1)
  })

  it('is written create-only after commits, and the REST catalog answers from what is stored', async () => {
    const storage = new MemoryStorage()
    const app = buildApp({ config, storage })
    try {
      const files = seedFiles(storage, 'sales', ['a', 'b'])
      await app.inject({
        method: 'POST',
        url: '/v1/catalog/datasets/sales/commits',
        payload: request('create', [files[0] as Manifest['files'][number]]),
      })
      await app.inject({
        method: 'POST',
        url: '/v1/catalog/datasets/sales/commits',
        payload: request('append', [files[1] as Manifest['files'][number]]),
      })
      const res = await app.inject({ method: 'GET', url: '/v1/iceberg/v1/namespaces/lakehouse/tables/sales' })
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json()
      expect(body['metadata-location']).toBe(`${WAREHOUSE}/iceberg/sales/metadata/v2.metadata.json`)
      expect(body.metadata['current-snapshot-id']).toBe(2)
      for (const v of [1, 2]) expect(storage.objects.has(`iceberg/sales/metadata/v${v}.metadata.json`)).toBe(true)
      const missing = await app.inject({ method: 'GET', url: '/v1/iceberg/v1/namespaces/lakehouse/tables/nope' })
      expect(missing.statusCode).toBe(404)
      expect(missing.json().error.type).toBe('NoSuchTableException')
      const write = await app.inject({
        method: 'POST',
        url: '/v1/iceberg/v1/namespaces/lakehouse/tables/sales',
        payload: {},
      })
      expect(write.statusCode).toBe(406)
      expect(write.json()).toEqual({
        error: { message: 'not supported: write through /v1/ingest', type: 'UnsupportedOperationException', code: 406 },
      })
    } finally {
      await app.close()
    }
  })

  it('rewrites what a crash lost, the same bytes, when the REST catalog is asked; refuses a table without Iceberg types', async () => {
    const storage = new MemoryStorage()
    const app = buildApp({ config, storage })
    try {
      const files = seedFiles(storage, 'sales', ['a', 'b'])
      for (const [i, file] of files.entries()) {
        const payload = request(i === 0 ? 'create' : 'append', [file as Manifest['files'][number]])
        await app.inject({ method: 'POST', url: '/v1/catalog/datasets/sales/commits', payload })
      }
      const url = '/v1/iceberg/v1/namespaces/lakehouse/tables/sales'
      await app.inject({ method: 'GET', url })
      const written = new Map(
        [...storage.objects].filter(([key]) => key.startsWith('iceberg/')).map(([k, v]) => [k, v.body]),
      )
      expect(written.size).toBe(6)
      // A fresh catalogd over storage where the last version's objects never got written.
      for (const key of written.keys()) if (key.includes('2.') || key.includes('v2')) storage.objects.delete(key)
      const fresh = buildApp({ config, storage })
      try {
        expect((await fresh.inject({ method: 'GET', url })).statusCode).toBe(200)
      } finally {
        await fresh.close()
      }
      for (const [key, body] of written) expect(storage.objects.get(key)?.body.equals(body), key).toBe(true)

      const wide = seedFiles(storage, 'wide', ['w'])
      const payload = { ...request('create', wide), schema: [{ name: 'n', type: 'HUGEINT', nullable: true }] }
      expect((await app.inject({ method: 'POST', url: '/v1/catalog/datasets/wide/commits', payload })).statusCode).toBe(
        201,
      )
      const listed = await app.inject({ method: 'GET', url: '/v1/iceberg/v1/namespaces/lakehouse/tables' })
      expect(listed.json().identifiers).toEqual([{ namespace: ['lakehouse'], name: 'sales' }])
      const refused = await app.inject({ method: 'GET', url: '/v1/iceberg/v1/namespaces/lakehouse/tables/wide' })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().error).toMatchObject({
        type: 'BadRequestException',
        message: expect.stringContaining('HUGEINT'),
      })
    } finally {
      await app.close()
    }
  })

  it('two catalogd over one storage, committing and answering at once, store what one derivation gives', async () => {
    const storage = new MemoryStorage()
    const one = buildApp({ config, storage })
    const two = buildApp({ config, storage })
    try {
      const commit = (app: typeof one, payload: object) =>
        app.inject({ method: 'POST', url: '/v1/catalog/datasets/sales/commits', payload })
      const files = seedFiles(storage, 'sales', ['a', 'b', 'c', 'd'])
      await commit(one, request('create', []))
      await Promise.all(files.map((file, i) => commit(i % 2 ? two : one, request('append', [file]))))
      const url = '/v1/iceberg/v1/namespaces/lakehouse/tables/sales'
      const answers = await Promise.all([one.inject({ method: 'GET', url }), two.inject({ method: 'GET', url })])
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200])
      expect(answers[0]?.json()).toEqual(answers[1]?.json())
      const manifests: Manifest[] = []
      for (let v = 1; v <= 5; v++) {
        manifests.push((await two.inject({ method: 'GET', url: `/v1/catalog/datasets/sales?version=${v}` })).json())
      }
      expect(manifests.map((m) => m.files.length)).toEqual([0, 1, 2, 3, 4])
      const expected: VersionObjects[] = []
      deriveIceberg(manifests, WAREHOUSE, (v) => expected.push(v))
      for (const object of expected.flatMap((v) => v.objects)) {
        expect(storage.objects.get(object.key)?.body.equals(object.body), object.key).toBe(true)
      }
    } finally {
      await Promise.all([one.close(), two.close()])
    }
  })
})
