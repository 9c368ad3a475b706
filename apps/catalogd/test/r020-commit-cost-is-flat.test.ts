import type { DataFile } from '@lakehouse/shared/clients/catalog.ts'
import { beforeEach, describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { CountingStorage } from './counting-storage.ts'
import { request, seedFiles } from './fixtures.ts'

// ADR-020: what one commit costs does not grow with the dataset's history. Counted, not timed:
// storage calls by method and bytes written and read by an append at version 10 and at version
// 1,000 of one dataset (the old layout wrote the whole file list, 100x more at version 1,000).

const NOW = '2026-01-02T00:00:00.000Z'
let storage: CountingStorage
let catalog: Catalog

beforeEach(() => {
  storage = new CountingStorage()
  catalog = new Catalog(storage, { maxCommitAttempts: 8, cacheBytes: 1 << 26, checkpointInterval: 100, now: () => NOW })
})

/** Appends until the dataset has `version` versions, one file each (file ids are zero-padded, so keys have one length). */
async function growTo(version: number, from: number): Promise<void> {
  for (let v = from; v <= version; v++) {
    const files = seedFiles(storage, 'events', [String(v).padStart(6, '0')])
    await catalog.commit('events', request(v === 1 ? 'create' : 'append', files, { idempotency_key: `k${v}` }))
  }
  await catalog.settle()
}

async function costOfOneAppend(version: number) {
  const files: DataFile[] = seedFiles(storage, 'events', [`x${String(version).padStart(6, '0')}`])
  storage.takeCounts()
  const committed = await catalog.commit('events', request('append', files, { idempotency_key: `x${version}` }))
  await catalog.settle()
  expect(committed.version).toBe(version + 1)
  return storage.takeCounts()
}

describe('a commit costs the same at version 10 and at version 1,000', () => {
  it('same storage calls, bytes written within a few digits, nothing read but the idempotency probe', async () => {
    await growTo(10, 1)
    const early = await costOfOneAppend(10)
    await growTo(1000, 12)
    const late = await costOfOneAppend(1000)
    // One HEAD of the data file, one idempotency GET (absent), the commit entry, its index entry.
    expect(early.calls).toEqual({ head: 1, getBuffer: 1, putIfAbsent: 2 })
    expect(late.calls).toEqual(early.calls)
    // The entry differs only in digits (version, totals); the whole list would be ~100x larger.
    expect(Math.abs(late.bytesWritten - early.bytesWritten)).toBeLessThan(16)
    expect(late.bytesRead).toBe(0)
    expect(early.bytesRead).toBe(0)
  })
})
