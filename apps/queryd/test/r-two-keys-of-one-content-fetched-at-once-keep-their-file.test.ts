import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ParquetCache } from '../src/parquet-cache.ts'
import { folderObjects } from './fixtures.ts'

// Found while testing queries racing commits (session 3): two keys with the same bytes (the same
// etag: the same rows ingested into two datasets) fetched at the same time downloaded twice to one
// file name; keeping the second entry disposed of the first, whose disposal unlinked the shared
// file, and every view over either key failed with "No files found". A second download of content
// already cached, or leased after eviction, must reuse that file, never replace it.

describe('r-two-keys-of-one-content-fetched-at-once-keep-their-file', () => {
  let root: string
  let dir: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lh-cache-src-'))
    dir = join(mkdtempSync(join(tmpdir(), 'lh-cache-')), 'c')
    writeFileSync(join(root, 'one'), Buffer.alloc(100, 'x'))
    writeFileSync(join(root, 'two'), Buffer.alloc(100, 'x'))
    writeFileSync(join(root, 'other'), Buffer.alloc(100, 'y'))
  })
  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
    rmSync(join(dir, '..'), { recursive: true, force: true })
  })

  it('two keys of one content fetched by separate acquires both stay on disk', async () => {
    const cache = new ParquetCache({ dir, maxBytes: 1000, source: folderObjects(root) })
    const [a, b] = await Promise.all([cache.acquire(['one']), cache.acquire(['two'])])
    expect(a.path('one')).toBe(b.path('two'))
    expect(existsSync(a.path('one'))).toBe(true)
    a.release()
    expect(existsSync(b.path('two'))).toBe(true)
    b.release()
  })

  it('a download of content that is evicted but still leased reuses the leased file', async () => {
    const cache = new ParquetCache({ dir, maxBytes: 150, source: folderObjects(root) })
    const held = await cache.acquire(['one'])
    // Evicts `one` (still leased): it stays on disk until released.
    ;(await cache.acquire(['other'])).release()
    const again = await cache.acquire(['two'])
    expect(again.path('two')).toBe(held.path('one'))
    held.release()
    expect(existsSync(again.path('two'))).toBe(true)
    again.release()
  })
})
