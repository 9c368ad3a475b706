import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { dataPath } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import type { FolderEntries } from '../src/folder-snapshots.ts'
import { FsBackend } from '../src/fs-backend.ts'
import { FsListing, LISTING_CACHE_MAX_BYTES, readFolder } from '../src/fs-listing.ts'
import { compareKeys } from '../src/key.ts'

// ADR-026: a page of the fs listing reads only what it returns (plus a binary search), not the
// whole folder it continues in. Before, each page re-read and re-sorted the cursor's folder, so a
// walk of n keys in pages of p read n²/p entries (the soak's ~190,000-object listing took minutes).
// Counted in folder entries read, not in time. Keys created or deleted during a walk may or may
// not appear; a key present throughout appears exactly once, and a walk begun after a write sees it.

let root: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lh-listing-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function put(...keys: string[]): Promise<void> {
  for (const folder of new Set(keys.map((key) => dirname(join(root, key))))) await mkdir(folder, { recursive: true })
  for (let i = 0; i < keys.length; i += 200) {
    await Promise.all(keys.slice(i, i + 200).map((key) => writeFile(join(root, key), '')))
  }
}

function countingListing(options: { maxBytes?: number } = {}) {
  const counts = { reads: 0, entries: 0 }
  const read = async (path: string): Promise<FolderEntries> => {
    const entries = await readFolder(path)
    counts.reads++
    counts.entries += entries.length
    return entries
  }
  return { listing: new FsListing(root, { ...options, read }), counts }
}

/** One page as FsBackend.list takes it: the first `limit` keys after the cursor. */
async function page(listing: FsListing, prefix: string, cursor: string | undefined, limit: number): Promise<string[]> {
  const keys: string[] = []
  for await (const key of listing.walkKeys(prefix, cursor)) {
    keys.push(key)
    if (keys.length === limit) break
  }
  return keys
}

async function walkAll(
  listing: FsListing,
  prefix: string,
  limit: number,
  between: (cursor: string) => Promise<void> = async () => {},
): Promise<string[]> {
  const all: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 10_000; pages++) {
    const keys = await page(listing, prefix, cursor, limit)
    all.push(...keys)
    if (keys.length < limit) return all
    cursor = keys.at(-1) as string
    await between(cursor)
  }
  throw new Error('the walk did not end')
}

const numbered = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`)

describe('r-listing-page-cost-bounded', () => {
  it('reads a folder of 3,000 keys once over a 30-page walk, not once per page', async () => {
    const keys = numbered('big/k', 3000)
    await put(...keys, 'other/x')
    const { listing, counts } = countingListing()
    expect(await walkAll(listing, 'big/', 100)).toEqual(keys)
    // big/ once (the prefix names the folder, so the root is not read); the old walk read 30 x 3,000.
    expect(counts.reads).toBe(1)
    expect(counts.entries).toBe(3000)
  })

  it('reads each nested folder once in a walk from the root', async () => {
    const keys = [...numbered('a/k', 500), ...numbered('b/c/k', 700), ...numbered('b/k', 300)].sort()
    await put(...keys)
    const { listing, counts } = countingListing()
    expect(await walkAll(listing, '', 64)).toEqual(keys)
    expect(counts.reads).toBe(4) // root, a/, b/, b/c/
    expect(counts.entries).toBe(2 + 500 + 301 + 700)
  })

  it('keeps every key present throughout exactly once while keys come and go between pages', async () => {
    const stay = numbered('d/s', 600)
    const goes = numbered('d/g', 300)
    await put(...stay, ...goes)
    const { listing } = countingListing()
    let made = 0
    const seen = await walkAll(listing, 'd/', 50, async (cursor) => {
      // Delete some not yet listed, create some before and after the cursor, in this folder and a new one.
      await rm(join(root, goes.shift() as string), { force: true })
      await rm(join(root, goes.pop() as string), { force: true })
      await put(`d/a${made}`, `d/z${made}`, `d/n/${made}`, `${cursor}x`)
      made++
    })
    expect(seen).toEqual([...seen].sort(compareKeys))
    expect(new Set(seen).size).toBe(seen.length)
    for (const key of stay) expect(seen).toContain(key)
  })

  it('sees in a new walk a key written after an earlier walk cached its folder', async () => {
    await put(...numbered('w/k', 300), ...numbered('w/sub/k', 10))
    const { listing } = countingListing()
    await page(listing, 'w/', undefined, 100)
    await page(listing, 'w/', 'w/k00099', 100)
    await put('w/k00250x', 'w/sub/k00005x')
    const fresh = await walkAll(listing, 'w/', 100)
    expect(fresh).toContain('w/k00250x')
    expect(fresh).toContain('w/sub/k00005x')
  })

  it('holds no more than its byte bound and still lists everything', async () => {
    const keys = numbered('m/k', 2000)
    await put(...keys)
    const { listing } = countingListing({ maxBytes: 4096 })
    expect(await walkAll(listing, 'm/', 100)).toEqual(keys)
    expect(listing.cacheBytes().bytes).toBeLessThanOrEqual(4096)
  })

  it('orders by UTF-8 bytes, with folders as "<name>/", and honours a partial last segment', async () => {
    const keys = ['u/a.c', 'u/a/b', 'u/a0', 'u/\u00e9', 'u/\ufffd', 'u/\u{1f600}/x']
    await put(...keys)
    const { listing } = countingListing()
    expect(await walkAll(listing, 'u/', 2)).toEqual([...keys].sort(compareKeys))
    expect(await walkAll(listing, 'u/a', 1)).toEqual(['u/a.c', 'u/a/b', 'u/a0'])
    expect(await page(listing, 'u/', '\u{1f600}', 10)).toEqual([])
    expect(await page(listing, 'u/', 'u/\ufffd', 10)).toEqual(['u/\u{1f600}/x'])
  })

  it('reports what the cache holds and its bound in /metrics', async () => {
    const config = testConfig()
    const app = await buildApp({ config, backend: await FsBackend.open(dataPath(config, undefined, 'storage')) })
    try {
      for (const key of ['p/a', 'p/b', 'p/c']) {
        const put = await app.inject({ method: 'PUT', url: `/v1/storage/objects/${key}`, payload: 'x' })
        expect(put.statusCode).toBe(201)
      }
      const first = await app.inject({ url: '/v1/storage/objects?prefix=p/&limit=2' })
      expect(first.json().next_cursor).toBe('p/b')
      const metrics = (await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).body
      expect(metrics).toMatch(
        new RegExp(`^storage_listing_cache_max_bytes\\{[^}]*\\} ${LISTING_CACHE_MAX_BYTES}$`, 'm'),
      )
      expect(metrics).toMatch(/^storage_listing_cache_bytes\{[^}]*\} [1-9]\d*$/m)
    } finally {
      await app.close()
      config.cleanup()
    }
  })
})
