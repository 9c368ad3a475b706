import { describe, expect, it } from 'vitest'
import { type FolderEntries, FolderSnapshots, snapshotBytes } from '../src/folder-snapshots.ts'

// The cache under the fs listing (ADR-026) may only move forward in time: a walk that used a
// snapshot must never be handed an older one on its next page, whatever order reads finish in and
// whatever was evicted meanwhile.

function deferredReads() {
  const pending: { folder: string; resolve: (entries: FolderEntries) => void }[] = []
  const read = (folder: string) =>
    new Promise<FolderEntries>((resolve) => {
      pending.push({ folder, resolve })
    })
  return { pending, read }
}

describe('folder snapshots', () => {
  it('keeps the newer snapshot when an older read finishes last', async () => {
    const { pending, read } = deferredReads()
    const snapshots = new FolderSnapshots({ maxBytes: 1 << 20, idleMs: 60_000, read })
    const older = snapshots.entries('/d', false)
    const newer = snapshots.entries('/d', false)
    pending[1]?.resolve(['new'])
    expect(await newer).toEqual(['new'])
    pending[0]?.resolve(['old'])
    expect(await older).toEqual(['old'])
    expect(await snapshots.entries('/d', true)).toEqual(['new'])
  })

  it('does not store an older read where a newer one was dropped for its size', async () => {
    const { pending, read } = deferredReads()
    const small = ['a']
    const snapshots = new FolderSnapshots({ maxBytes: snapshotBytes(small), idleMs: 60_000, read })
    const older = snapshots.entries('/d', false)
    const newer = snapshots.entries('/d', false)
    pending[1]?.resolve(['a', 'b'])
    await newer
    pending[0]?.resolve(small)
    await older
    // The walk that read ['a', 'b'] continues: it must get a read at least as new, so a fresh one.
    const next = snapshots.entries('/d', true)
    expect(pending).toHaveLength(3)
    pending[2]?.resolve(['a', 'b', 'c'])
    expect(await next).toEqual(['a', 'b', 'c'])
  })

  it('reads afresh a folder a page enters, and forgets one unused for idleMs', async () => {
    let now = 0
    let reads = 0
    const read = async () => [`r${++reads}`]
    const snapshots = new FolderSnapshots({ maxBytes: 1 << 20, idleMs: 1000, read, now: () => now })
    expect(await snapshots.entries('/d', false)).toEqual(['r1'])
    expect(await snapshots.entries('/d', true)).toEqual(['r1'])
    expect(await snapshots.entries('/d', false)).toEqual(['r2'])
    now = 1000
    expect(await snapshots.entries('/d', true)).toEqual(['r3'])
    now = 2000
    await snapshots.entries('/e', false)
    expect(snapshots.bytes).toBe(snapshotBytes(['r4']))
  })
})
