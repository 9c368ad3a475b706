import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { request, seedFiles } from './fixtures.ts'

// Two catalogd replicas on one storage (ADR-020): the commit's base may come from a replica's
// memory, which another replica has made stale; the create-only write must still never lose a
// commit, and no reader may see an older state after a newer one, nor a version two ways.

const replica = (storage: MemoryStorage) =>
  new Catalog(storage, { maxCommitAttempts: 64, cacheBytes: 1 << 24, checkpointInterval: 4 })

describe('two replicas on one storage', () => {
  it('a commit from a stale memory lands on top of the other replica’s commits, losing none', async () => {
    const storage = new MemoryStorage()
    const [a, b] = [replica(storage), replica(storage)]
    await a.commit('people', request('create', seedFiles(storage, 'people', ['a0'])))
    for (const id of ['b1', 'b2', 'b3']) await b.commit('people', request('append', seedFiles(storage, 'people', [id])))
    // a still holds version 1 in memory; its append must not overwrite nor drop b's three.
    const appended = await a.commit('people', request('append', seedFiles(storage, 'people', ['a4'])))
    expect(appended.version).toBe(5)
    expect(appended.files.map((f) => f.key.split('/').at(-1))).toEqual(
      ['a0', 'b1', 'b2', 'b3', 'a4'].map((id) => `${id}.parquet`),
    )
    // Rules judged on a stale memory are judged again on storage: b deleted the dataset, a re-creates it.
    await b.deleteDataset('people')
    const recreated = await a.commit('people', request('create', seedFiles(storage, 'people', ['new'])))
    expect(recreated.version).toBe(7)
    await expect(a.commit('people', request('replace', [], { expected_version: 7 }))).resolves.toMatchObject({
      version: 8,
    })
  })

  it('racing appends through both replicas: every acknowledged file is in the latest, reads never go back', async () => {
    const storage = new MemoryStorage()
    const replicas = [replica(storage), replica(storage)]
    await replicas[0]!.commit('events', request('create', []))
    const acknowledged: Manifest[] = []
    const seen: Manifest[] = []
    let writing = true
    const writer = async (who: number) => {
      for (let i = 0; i < 12; i++) {
        const files = seedFiles(storage, 'events', [`r${who}_${i}`])
        acknowledged.push(await (replicas[who] as Catalog).commit('events', request('append', files)))
      }
    }
    const reader = async () => {
      for (let i = 0; writing; i++) seen.push(await (replicas[i % 2] as Catalog).getManifest('events'))
    }
    const reading = reader()
    await Promise.all([writer(0), writer(1)])
    writing = false
    await reading
    const latest = await replicas[1]!.getManifest('events')
    expect(latest.version).toBe(25)
    const keys = new Set(latest.files.map((f) => f.key))
    for (const manifest of acknowledged) for (const file of manifest.files) expect(keys.has(file.key)).toBe(true)
    // Monotonic across replicas, and a version reads the same whichever replica serves it.
    seen.forEach((manifest, i) => {
      if (i > 0) expect(manifest.version).toBeGreaterThanOrEqual((seen[i - 1] as Manifest).version)
    })
    const byVersion = new Map(acknowledged.map((m) => [m.version, m]))
    for (const manifest of seen) {
      const committed = byVersion.get(manifest.version)
      if (committed) expect(manifest).toEqual(committed)
    }
    for (const manifest of acknowledged) {
      expect(await replicas[0]!.getManifest('events', manifest.version)).toEqual(manifest)
      expect(await replica(storage).getManifest('events', manifest.version)).toEqual(manifest)
    }
  })

  it('a commit acknowledged by one replica is in the next read of the other', async () => {
    const storage = new MemoryStorage()
    const [a, b] = [replica(storage), replica(storage)]
    await a.commit('people', request('create', []))
    expect((await b.getManifest('people')).version).toBe(1)
    for (let i = 0; i < 6; i++) {
      const committed = await a.commit('people', request('append', seedFiles(storage, 'people', [`f${i}`])))
      expect(await b.getManifest('people')).toEqual(committed)
    }
  })
})
