import { manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import { describe, expect, it } from 'vitest'
import { ManifestStore } from '../src/manifest-store.ts'
import { CountingStorage } from './counting-storage.ts'

// Found in session 3's catalog bench: a catalogd that had just started listed every version key of
// a dataset before its first commit (2.1 s at 10,000 versions, 37 ms at 10). A dense history's
// latest version is found by HEADs, galloping then bisecting, and one listing of at most one key
// checks that nothing lies above it. Counted, not timed.

const OPTIONS = { cacheBytes: 1 << 20, checkpointInterval: 100 }

function seedVersions(storage: CountingStorage, name: string, versions: Iterable<number>): void {
  for (const version of versions) storage.seed(manifestKey(name, version), '{}')
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('r-cold-latest-version-cost-bounded', () => {
  it('a cold start finds version 10,000 with about 2·log2 HEADs and lists at most one key', async () => {
    const storage = new CountingStorage()
    seedVersions(storage, 'events', range(1, 10_000))
    const store = new ManifestStore(storage, OPTIONS)
    expect(await store.latestVersion('events')).toBe(10_000)
    expect(storage.objectsListed).toBe(0)
    expect(storage.calls.list).toBe(1)
    expect(storage.calls.head).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(10_000)) + 2)
  })

  it('a hint far behind (another replica committed meanwhile) costs HEADs, no listing', async () => {
    const storage = new CountingStorage()
    seedVersions(storage, 'events', range(1, 10))
    const store = new ManifestStore(storage, OPTIONS)
    expect(await store.latestVersion('events')).toBe(10)
    seedVersions(storage, 'events', range(11, 500))
    storage.takeCounts()
    const listedBefore = storage.objectsListed
    expect(await store.latestVersion('events')).toBe(500)
    expect(storage.objectsListed).toBe(listedBefore)
    expect(storage.calls.head).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(490)) + 2)
  })

  it('a cold start over a gap below the top (storage lost an object) refuses to name a latest', async () => {
    const storage = new CountingStorage()
    // Galloping and bisecting stop at 12 (13 is missing); version 14 lies above the gap, so a
    // commit of 13 would land inside the history.
    seedVersions(storage, 'events', [...range(1, 12), 14])
    await expect(new ManifestStore(storage, OPTIONS).latestVersion('events')).rejects.toThrow(/not dense/)
  })

  it('a dataset that never existed is version 0', async () => {
    const storage = new CountingStorage()
    seedVersions(storage, 'other', range(1, 3))
    expect(await new ManifestStore(storage, OPTIONS).latestVersion('events')).toBe(0)
  })
})
