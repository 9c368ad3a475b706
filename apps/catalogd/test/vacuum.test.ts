import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { beforeEach, describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { vacuum } from '../src/vacuum.ts'
import { request, seedFiles } from './fixtures.ts'

// Vacuum with history retention (ADR-020): a data file goes when the latest version does not
// reference it, no version that was the latest within the grace period references it, and it is
// older than the grace period. Anything young stays (an ingest may be about to commit it).

const HOUR = 60 * 60 * 1000
const NOW = Date.parse('2026-01-02T00:00:00Z')
const OLD = new Date(NOW - 5 * HOUR)
const YOUNG = new Date(NOW - HOUR / 2)

let storage: MemoryStorage
let catalog: Catalog
/** The clock commits are stamped with, moved by each test. */
let clock = NOW

beforeEach(() => {
  storage = new MemoryStorage()
  catalog = new Catalog(storage, {
    maxCommitAttempts: 8,
    cacheBytes: 1 << 24,
    checkpointInterval: 100,
    now: () => new Date(clock).toISOString(),
  })
})

const run = () => vacuum(storage, catalog, { graceMs: HOUR, now: () => NOW })

async function commitAt(msAgo: number, ...args: Parameters<Catalog['commit']>) {
  clock = NOW - msAgo
  return catalog.commit(...args)
}

describe('vacuum', () => {
  it('deletes old orphans and the files of versions superseded before the grace period', async () => {
    const [v1file] = seedFiles(storage, 'people', ['v1'], OLD)
    await commitAt(4 * HOUR, 'people', request('create', [v1file!]))
    const [v2file] = seedFiles(storage, 'people', ['v2'], OLD)
    await commitAt(2 * HOUR, 'people', request('replace', [v2file!]))
    seedFiles(storage, 'people', ['orphan'], OLD)
    seedFiles(storage, 'people', ['in_flight'], YOUNG)
    storage.seed('datasets/people/notes.txt', 'not a data file', OLD)

    const result = await run()
    expect(result.deleted.sort()).toEqual(['datasets/people/data/orphan.parquet', 'datasets/people/data/v1.parquet'])
    expect(result.kept).toBe(2)
    expect(storage.keys('datasets/people/')).toEqual([
      'datasets/people/data/in_flight.parquet',
      'datasets/people/data/v2.parquet',
      'datasets/people/notes.txt',
    ])
    // Time travel to the vacuumed version: its manifest still reads; its file is gone from storage.
    expect((await catalog.getManifest('people', 1)).files.map((f) => f.key)).toEqual([v1file!.key])
  })

  it('keeps the files of every version that was the latest at some moment within the grace period', async () => {
    const [a, b, c] = seedFiles(storage, 'people', ['a', 'b', 'c'], OLD)
    // v1 was committed long ago but was still the latest at the cutoff (an hour ago); v2 came after.
    await commitAt(4 * HOUR, 'people', request('create', [a!]))
    await commitAt(HOUR / 2, 'people', request('replace', [b!]))
    await commitAt(HOUR / 4, 'people', request('replace', [c!]))
    expect(await run()).toEqual({ deleted: [], kept: 3 })
  })

  it('deletes the files of a dataset deleted before the grace period, keeps those of a recent delete', async () => {
    const [gone] = seedFiles(storage, 'gone', ['a'], OLD)
    await commitAt(4 * HOUR, 'gone', request('create', [gone!]))
    clock = NOW - 2 * HOUR
    await catalog.deleteDataset('gone')
    const [recent] = seedFiles(storage, 'recent', ['a'], OLD)
    await commitAt(4 * HOUR, 'recent', request('create', [recent!]))
    clock = NOW - HOUR / 2
    await catalog.deleteDataset('recent')
    seedFiles(storage, 'never', ['x'], OLD)
    const result = await run()
    expect(result.deleted.sort()).toEqual(['datasets/gone/data/a.parquet', 'datasets/never/data/x.parquet'])
    expect(result.kept).toBe(1)
    expect(storage.keys('catalog/gone/v')).toHaveLength(2)
  })

  it('keeps the files appends added within the grace period and every file of the latest version', async () => {
    const [a, b, c] = seedFiles(storage, 'people', ['a', 'b', 'c'], OLD)
    await commitAt(5 * HOUR, 'people', request('create', [a!]))
    await commitAt(4 * HOUR, 'people', request('append', [b!]))
    await commitAt(3 * HOUR, 'people', request('append', [c!]))
    expect(await run()).toEqual({ deleted: [], kept: 3 })
  })
})
