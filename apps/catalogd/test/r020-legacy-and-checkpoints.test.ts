import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { beforeEach, describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { checkpointKey, manifestKey } from '../src/layout.ts'
import { CountingStorage } from './counting-storage.ts'
import { dataFile, request, SCHEMA, seedFiles } from './fixtures.ts'

// ADR-020 reads both layouts and never needs a checkpoint to be right: a catalog written before
// it (full manifests) reads and takes commits unchanged; a missing, damaged or never-written
// checkpoint (a crash between the commit and its checkpoint) only costs a longer replay.

const K = 10
let storage: CountingStorage

const newCatalog = () => new Catalog(storage, { maxCommitAttempts: 8, cacheBytes: 1 << 24, checkpointInterval: K })

beforeEach(() => {
  storage = new CountingStorage()
})

/** A catalog as the old layout left it: every version a full manifest (no format field). */
function seedLegacy(name: string, versions: number): Manifest[] {
  const manifests: Manifest[] = []
  for (let v = 1; v <= versions; v++) {
    const files = [...(manifests.at(-1)?.files ?? []), dataFile(name, `old${v}`)]
    for (const file of files.slice(-1)) storage.seed(file.key, 'x')
    const manifest: Manifest = {
      name,
      version: v,
      operation: v === 1 ? 'create' : 'append',
      schema: SCHEMA,
      files,
      row_count: files.length * 10,
      bytes: files.length * 1000,
      created_at: '2025-01-01T00:00:00.000Z',
      committed_at: `2025-01-01T00:00:0${v}.000Z`,
    }
    storage.seed(manifestKey(name, v), JSON.stringify(manifest))
    manifests.push(manifest)
  }
  storage.seed(`catalog/_datasets/${name}`, '')
  return manifests
}

/** Commits `count` appends of one file each and returns every manifest acknowledged. */
async function appendMany(catalog: Catalog, name: string, count: number, from = 1): Promise<Manifest[]> {
  const acknowledged: Manifest[] = []
  for (let i = from; i < from + count; i++) {
    const files = seedFiles(storage, name, [`f${String(i).padStart(4, '0')}`])
    acknowledged.push(await catalog.commit(name, request(i === 1 ? 'create' : 'append', files)))
  }
  await catalog.settle()
  return acknowledged
}

describe('read both layouts', () => {
  it('a catalog of legacy full manifests reads, lists, time-travels and takes commits unchanged', async () => {
    const legacy = seedLegacy('people', 3)
    const catalog = newCatalog()
    expect(await catalog.getManifest('people')).toEqual(legacy[2])
    expect(await catalog.getManifest('people', 1)).toEqual(legacy[0])
    expect((await catalog.listDatasets()).datasets).toEqual([legacy[2]])
    const [file] = seedFiles(storage, 'people', ['new'])
    const appended = await catalog.commit('people', request('append', [file!]))
    expect(appended.files).toEqual([...legacy[2]!.files, file])
    // The new version is a change on top of the legacy one, and a fresh process reads it the same.
    const stored = JSON.parse(storage.bytes(manifestKey('people', 4))?.toString() ?? '')
    expect(stored).toMatchObject({ format: 2, reset: false, added: [file], removed: [] })
    expect(await newCatalog().getManifest('people')).toEqual(appended)
    expect((await newCatalog().listVersions('people')).versions.map((v) => v.version)).toEqual([1, 2, 3, 4])
  })

  it('refuses a stored version of an unknown format instead of guessing its files', async () => {
    seedLegacy('people', 1)
    storage.seed(manifestKey('people', 2), JSON.stringify({ format: 3, name: 'people', version: 2 }))
    await expect(newCatalog().getManifest('people')).rejects.toThrow(/not a manifest nor a format-2/)
  })
})

describe('checkpoints', () => {
  it('a checkpoint follows every K versions, and a fresh reader replays at most K entries', async () => {
    const acknowledged = await appendMany(newCatalog(), 'events', 3 * K + 3)
    expect(storage.keys('catalog/events/checkpoints/')).toEqual([1, 2, 3].map((n) => checkpointKey('events', n * K)))
    storage.takeCounts()
    expect(await newCatalog().getManifest('events')).toEqual(acknowledged.at(-1))
    // listing (1) + the checkpoint and the 3 entries above it (4 GETs) + the probe of the next version
    expect(storage.takeCounts().calls.getBuffer).toBe(4)
  })

  it('a missing or damaged checkpoint falls back to an earlier one, and every version reads right', async () => {
    const acknowledged = await appendMany(newCatalog(), 'events', 3 * K + 3)
    storage.objects.delete(checkpointKey('events', 3 * K))
    storage.seed(checkpointKey('events', 2 * K), '{"not": "a manifest"')
    storage.takeCounts()
    expect(await newCatalog().getManifest('events')).toEqual(acknowledged.at(-1))
    // Checkpoints 3K (absent), 2K (damaged), K (used), then the entries K+1..3K+3, nothing below K.
    expect(storage.takeCounts().calls.getBuffer).toBe(3 + 2 * K + 3)
    const reader = newCatalog()
    for (const manifest of [...acknowledged].reverse()) {
      expect(await reader.getManifest('events', manifest.version)).toEqual(manifest)
    }
  })

  it('a crash between a commit and its checkpoint loses nothing, and the next reader writes the checkpoint', async () => {
    storage.failWrites = (key) => key.includes('/checkpoints/')
    const acknowledged = await appendMany(newCatalog(), 'events', K + 2)
    expect(storage.keys('catalog/events/checkpoints/')).toEqual([])
    storage.failWrites = undefined
    const reader = newCatalog()
    expect(await reader.getManifest('events')).toEqual(acknowledged.at(-1))
    expect(await reader.getManifest('events', K)).toEqual(acknowledged[K - 1])
    await reader.settle()
    expect(storage.keys('catalog/events/checkpoints/')).toEqual([checkpointKey('events', K)])
  })

  it('a compaction-like change (keys removed, files added) and a replace replay to the committed lists', async () => {
    const catalog = newCatalog()
    const acknowledged = await appendMany(catalog, 'events', 5)
    const [merged] = seedFiles(storage, 'events', ['merged'])
    const replaced = await catalog.commit('events', request('replace', [merged!]))
    const [more] = seedFiles(storage, 'events', ['more'])
    const after = await catalog.commit('events', request('append', [more!]))
    const reader = newCatalog()
    for (const manifest of [...acknowledged, replaced, after]) {
      expect(await reader.getManifest('events', manifest.version)).toEqual(manifest)
    }
  })
})
