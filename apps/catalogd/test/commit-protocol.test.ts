import { AlreadyExists, Conflict, InvalidName, InvalidRequest, NotFound, VersionConflict } from '@lakehouse/shared'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { beforeEach, describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { datasetMarkerKey, manifestKey } from '../src/layout.ts'
import { request, SCHEMA, seedFiles, WIDER_SCHEMA } from './fixtures.ts'

// The commit protocol of DESIGN §6 at the unit level, over the in-memory storage double. The same
// rules are checked again over real HTTP against a real storaged in integration.test.ts.

let storage: MemoryStorage
let catalog: Catalog

const newCatalog = () => new Catalog(storage, { maxCommitAttempts: 64, cacheBytes: 1 << 24, checkpointInterval: 100 })

beforeEach(() => {
  storage = new MemoryStorage()
  catalog = newCatalog()
})

describe('commit protocol', () => {
  it('create writes version 1 create-only at catalog/<name>/v<version:10>.json', async () => {
    const files = seedFiles(storage, 'people', ['a', 'b'])
    const manifest = await catalog.commit('people', request('create', files))
    expect(manifest).toMatchObject({ name: 'people', version: 1, operation: 'create', row_count: 20, bytes: 2000 })
    expect(storage.keys('catalog/people/v')).toEqual(['catalog/people/v0000000001.json'])
    expect(manifestKey('people', 12)).toBe('catalog/people/v0000000012.json')
    // Version 1 is a reset entry (ADR-020): the whole list, and the header of the manifest.
    const stored = JSON.parse(storage.objects.get('catalog/people/v0000000001.json')?.body.toString() ?? '')
    const { files: added, ...header } = manifest
    expect(stored).toEqual({ format: 2, ...header, reset: true, added, removed: [] })
  })

  it('create of a live dataset is 409 already_exists', async () => {
    await catalog.commit('people', request('create', seedFiles(storage, 'people', ['a'])))
    await expect(catalog.commit('people', request('create', []))).rejects.toBeInstanceOf(AlreadyExists)
  })

  it('10 parallel appends land as version 11 holding every file exactly once', async () => {
    await catalog.commit('people', request('create', []))
    const ids = Array.from({ length: 10 }, (_, i) => `f${i}`)
    const files = seedFiles(storage, 'people', ids)
    // Separate Catalog instances: like replicas, they share nothing but storage.
    await Promise.all(files.map((file) => newCatalog().commit('people', request('append', [file]))))
    const latest = await catalog.getManifest('people')
    expect(latest.version).toBe(11)
    expect(latest.files.map((f) => f.key).sort()).toEqual(files.map((f) => f.key).sort())
    expect(latest.row_count).toBe(100)
  })

  it('a stale expected_version is 409 version_conflict and commits nothing', async () => {
    await catalog.commit('people', request('create', []))
    await catalog.commit('people', request('append', seedFiles(storage, 'people', ['a'])))
    const stale = request('replace', seedFiles(storage, 'people', ['b']), { expected_version: 1 })
    await expect(catalog.commit('people', stale)).rejects.toBeInstanceOf(VersionConflict)
    expect((await catalog.getManifest('people')).version).toBe(2)
    const fresh = await catalog.commit('people', { ...stale, expected_version: 2 })
    expect(fresh.files.map((f) => f.key)).toEqual(['datasets/people/data/b.parquet'])
  })

  it('a lost race re-checks expected_version: the loser gets version_conflict', async () => {
    await catalog.commit('people', request('create', []))
    const [a, b] = seedFiles(storage, 'people', ['a', 'b'])
    const results = await Promise.allSettled([
      newCatalog().commit('people', request('replace', [a!], { expected_version: 1 })),
      newCatalog().commit('people', request('replace', [b!], { expected_version: 1 })),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected')
    expect(rejected?.reason).toBeInstanceOf(VersionConflict)
    expect((await catalog.getManifest('people')).version).toBe(2)
  })

  it('an append re-applied after a race refuses a schema that changed under it', async () => {
    await catalog.commit('people', request('create', []))
    const [rival, mine] = seedFiles(storage, 'people', ['rival', 'mine'])
    let raced = false
    storage.beforePutIfAbsent = async (key) => {
      if (raced || key !== manifestKey('people', 2)) return
      raced = true
      await newCatalog().commit('people', { operation: 'append', schema: WIDER_SCHEMA, files: [rival!] })
    }
    await expect(catalog.commit('people', request('append', [mine!]))).rejects.toBeInstanceOf(VersionConflict)
    expect((await catalog.getManifest('people')).files.map((f) => f.key)).toEqual([rival!.key])
  })

  it('replace swaps the files and keeps created_at', async () => {
    const first = await catalog.commit('people', request('create', seedFiles(storage, 'people', ['a'])))
    const next = await catalog.commit('people', request('replace', seedFiles(storage, 'people', ['b'])))
    expect(next).toMatchObject({ version: 2, operation: 'replace', created_at: first.created_at })
    expect(next.files.map((f) => f.key)).toEqual(['datasets/people/data/b.parquet'])
  })

  it('rejects bad names, foreign or missing files, and a file appended twice', async () => {
    await expect(catalog.commit('Robert; DROP TABLE x', request('create', []))).rejects.toBeInstanceOf(InvalidName)
    const foreign = seedFiles(storage, 'other', ['a'])
    await expect(catalog.commit('people', request('create', foreign))).rejects.toBeInstanceOf(InvalidRequest)
    const ghost = [{ key: 'datasets/people/data/ghost.parquet', rows: 1, bytes: 1 }]
    await expect(catalog.commit('people', request('create', ghost))).rejects.toBeInstanceOf(InvalidRequest)
    const files = seedFiles(storage, 'people', ['a'])
    await catalog.commit('people', request('create', files))
    await expect(catalog.commit('people', request('append', files))).rejects.toBeInstanceOf(Conflict)
    expect(storage.keys('catalog/people/v')).toHaveLength(1)
  })
})

describe('delete', () => {
  it('writes a tombstone: the dataset reads as absent, history stays, a new create goes above it', async () => {
    const files = seedFiles(storage, 'people', ['a'])
    await catalog.commit('people', request('create', files))
    const tomb = await catalog.deleteDataset('people')
    expect(tomb).toMatchObject({ version: 2, operation: 'delete', deleted: true, files: [] })
    await expect(catalog.getManifest('people')).rejects.toBeInstanceOf(NotFound)
    await expect(catalog.getManifest('people', 2)).rejects.toBeInstanceOf(NotFound)
    expect((await catalog.getManifest('people', 1)).files).toEqual(files)
    expect((await catalog.listVersions('people')).versions.map((v) => v.operation)).toEqual(['create', 'delete'])
    await expect(catalog.deleteDataset('people')).rejects.toBeInstanceOf(NotFound)
    const reborn = await catalog.commit('people', request('append', seedFiles(storage, 'people', ['b'])))
    expect(reborn.version).toBe(3)
    expect(reborn.files.map((f) => f.key)).toEqual(['datasets/people/data/b.parquet'])
  })
})

describe('generation and listing', () => {
  it('generation rises by one on every commit, delete included; the list shows live datasets only', async () => {
    const seen = [(await catalog.listDatasets()).generation]
    await catalog.commit('people', request('create', []))
    seen.push(await catalog.generation())
    await catalog.commit('places', request('create', []))
    seen.push(await catalog.generation())
    await catalog.deleteDataset('people')
    const listed = await catalog.listDatasets()
    seen.push(listed.generation)
    expect(seen).toEqual([0, 1, 2, 3])
    expect(listed.datasets.map((d) => d.name)).toEqual(['places'])
  })

  it('a second catalog on the same storage sees exactly what the first committed', async () => {
    await catalog.commit('people', request('create', seedFiles(storage, 'people', ['a'])))
    await catalog.deleteDataset('people')
    await catalog.commit('places', request('create', []))
    const other = newCatalog()
    expect(await other.listDatasets()).toEqual(await catalog.listDatasets())
    expect(await other.listVersions('people')).toEqual(await catalog.listVersions('people'))
    // and the first sees the second's commits, through its cached latest version
    await other.commit('places', request('append', seedFiles(storage, 'places', ['b'])))
    expect((await catalog.getManifest('places')).version).toBe(2)
  })

  it('a dataset marker without a first version (crash before the commit point) reads as no dataset', async () => {
    storage.seed(datasetMarkerKey('halfway'), '')
    expect(await catalog.listDatasets()).toEqual({ datasets: [], generation: 0 })
    await expect(catalog.getManifest('halfway')).rejects.toBeInstanceOf(NotFound)
    expect((await catalog.commit('halfway', request('create', []))).version).toBe(1)
    expect((await catalog.listDatasets()).generation).toBe(1)
  })

  it('generation costs one marker listing and one probe per dataset, however long the histories', async () => {
    for (const name of ['a', 'b']) {
      for (let i = 0; i < 12; i++) await catalog.commit(name, request(i ? 'append' : 'create', []))
    }
    expect(await catalog.generation()).toBe(24)
    const before = { ...storage.calls }
    expect(await catalog.generation()).toBe(24)
    const cost = (m: string) => (storage.calls[m] ?? 0) - (before[m] ?? 0)
    expect({ list: cost('list'), head: cost('head'), get: cost('getBuffer') }).toEqual({ list: 1, head: 2, get: 0 })
  })

  it('keeps the schema it was given', async () => {
    expect((await catalog.commit('people', request('create', []))).schema).toEqual(SCHEMA)
  })
})
