import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { beforeEach, describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { idempotencyKey, manifestKey } from '../src/layout.ts'
import { request, seedFiles } from './fixtures.ts'

// Idempotency keys (ADR-005): a commit whose key is already in the dataset's history returns that
// earlier manifest and commits nothing, across restarts, races and crashes between the manifest
// write and its index entry.

let storage: MemoryStorage

const newCatalog = () => new Catalog(storage, { maxCommitAttempts: 64, cacheBytes: 1 << 24, checkpointInterval: 100 })

beforeEach(() => {
  storage = new MemoryStorage()
})

describe('idempotency keys', () => {
  it('a retry with the same key returns the first manifest and commits nothing, even after a restart', async () => {
    const catalog = newCatalog()
    await catalog.commit('people', request('create', []))
    const [a, b] = seedFiles(storage, 'people', ['a', 'b'])
    const first = await catalog.commit('people', request('append', [a!], { idempotency_key: 'ingest-1' }))
    await catalog.commit('people', request('append', [b!]))
    // a retry carries fresh data files (the ingest wrote them again), and still commits nothing
    const [again] = seedFiles(storage, 'people', ['a2'])
    const retried = await newCatalog().commit('people', request('append', [again!], { idempotency_key: 'ingest-1' }))
    expect(retried).toEqual(first)
    expect(storage.keys('catalog/people/v')).toHaveLength(3)
    expect(storage.keys('catalog/people/idem/')).toEqual([idempotencyKey('people', 'ingest-1')])
  })

  it('parallel commits with one key make exactly one version', async () => {
    await newCatalog().commit('people', request('create', []))
    const files = seedFiles(storage, 'people', ['a', 'b', 'c', 'd', 'e'])
    const results = await Promise.all(
      files.map((file) => newCatalog().commit('people', request('append', [file], { idempotency_key: 'same' }))),
    )
    expect(new Set(results.map((m) => m.version))).toEqual(new Set([2]))
    expect(storage.keys('catalog/people/v')).toHaveLength(2)
  })

  it('index-before-next-version: a crash between a manifest and its index entry loses nothing', async () => {
    const catalog = newCatalog()
    await catalog.commit('people', request('create', []))
    // As if catalogd died right after writing version 2: the manifest carries the key, no index entry.
    const [a, b, c] = seedFiles(storage, 'people', ['a', 'b', 'c'])
    const crashed: Manifest = { ...(await catalog.getManifest('people')), version: 2, operation: 'append' }
    Object.assign(crashed, { files: [a!], row_count: a!.rows, bytes: a!.bytes, idempotency_key: 'lost-ack' })
    storage.seed(manifestKey('people', 2), JSON.stringify(crashed))
    // Another writer commits on top; the retry of the crashed request comes after it.
    await newCatalog().commit('people', request('append', [b!]))
    const retried = await newCatalog().commit('people', request('append', [c!], { idempotency_key: 'lost-ack' }))
    expect(retried.version).toBe(2)
    expect((await catalog.getManifest('people')).files.map((f) => f.key)).toEqual([a!.key, b!.key])
  })

  it('finds an earlier commit with a constant number of storage calls, however long the history', async () => {
    const catalog = newCatalog()
    await catalog.commit('people', request('create', [], { idempotency_key: 'k0' }))
    for (let i = 1; i <= 20; i++) await catalog.commit('people', request('append', [], { idempotency_key: `k${i}` }))
    const cold = newCatalog()
    await cold.getManifest('people') // warm the latest-version hint, as any running catalog has it
    const before = { ...storage.calls }
    expect((await cold.commit('people', request('append', [], { idempotency_key: 'k3' }))).version).toBe(4)
    const gets = (storage.calls.getBuffer ?? 0) - (before.getBuffer ?? 0)
    const lists = (storage.calls.list ?? 0) - (before.list ?? 0)
    expect({ gets, lists }).toEqual({ gets: 2, lists: 0 })
  })
})
