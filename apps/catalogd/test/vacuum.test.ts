import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { beforeEach, describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { vacuum } from '../src/vacuum.ts'
import { request, seedFiles } from './fixtures.ts'

// Vacuum removes data files that no manifest version references and that are past the grace
// period; everything any version (history included) points at stays, and so does anything young.

const HOUR = 60 * 60 * 1000
const NOW = Date.parse('2026-01-02T00:00:00Z')
const OLD = new Date(NOW - 3 * HOUR)
const YOUNG = new Date(NOW - HOUR / 2)

let storage: MemoryStorage
let catalog: Catalog

beforeEach(() => {
  storage = new MemoryStorage()
  catalog = new Catalog(storage, { maxCommitAttempts: 8, manifestCacheEntries: 100 })
})

const run = () => vacuum(storage, catalog, { graceMs: HOUR, now: () => NOW })

describe('vacuum', () => {
  it('deletes old orphans only, keeps every file some version references', async () => {
    const [v1file] = seedFiles(storage, 'people', ['v1'], OLD)
    await catalog.commit('people', request('create', [v1file!]))
    const [v2file] = seedFiles(storage, 'people', ['v2'], OLD)
    await catalog.commit('people', request('replace', [v2file!]))
    seedFiles(storage, 'people', ['orphan'], OLD)
    seedFiles(storage, 'people', ['in_flight'], YOUNG)
    storage.seed('datasets/people/notes.txt', 'not a data file', OLD)

    const result = await run()
    expect(result).toEqual({ deleted: ['datasets/people/data/orphan.parquet'], kept: 3 })
    expect(storage.keys('datasets/people/')).toEqual([
      'datasets/people/data/in_flight.parquet',
      'datasets/people/data/v1.parquet',
      'datasets/people/data/v2.parquet',
      'datasets/people/notes.txt',
    ])
  })

  it('keeps the files of a deleted dataset (its history is readable) and removes those never committed', async () => {
    const files = seedFiles(storage, 'gone', ['a'], OLD)
    await catalog.commit('gone', request('create', files))
    await catalog.deleteDataset('gone')
    seedFiles(storage, 'never', ['x'], OLD)
    const result = await run()
    expect(result).toEqual({ deleted: ['datasets/never/data/x.parquet'], kept: 1 })
    expect(storage.keys('catalog/gone/v')).toHaveLength(2)
  })
})
