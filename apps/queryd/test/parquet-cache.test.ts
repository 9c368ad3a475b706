import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ParquetCache } from '../src/parquet-cache.ts'
import { folderObjects } from './fixtures.ts'

describe('ParquetCache', () => {
  let root: string
  let dir: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lh-cache-src-'))
    dir = join(mkdtempSync(join(tmpdir(), 'lh-cache-')), 'c')
    for (const [key, size] of [
      ['a', 100],
      ['b', 100],
      ['c', 100],
    ] as const) {
      writeFileSync(join(root, key), Buffer.alloc(size, key))
    }
    writeFileSync(join(root, 'same-as-a'), Buffer.alloc(100, 'a'))
  })
  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
    rmSync(join(dir, '..'), { recursive: true, force: true })
  })

  const files = () => readdirSync(dir).filter((f) => f.endsWith('.parquet'))

  it('keys files by etag: two keys with the same content share one file', async () => {
    const cache = new ParquetCache({ dir, maxBytes: 1000, source: folderObjects(root) })
    const lease = await cache.acquire(['a', 'same-as-a'])
    expect(lease.path('a')).toBe(lease.path('same-as-a'))
    expect(files()).toHaveLength(1)
    lease.release()
  })

  it('evicts the least recently used file past the byte bound', async () => {
    const cache = new ParquetCache({ dir, maxBytes: 250, source: folderObjects(root) })
    ;(await cache.acquire(['a'])).release()
    ;(await cache.acquire(['b'])).release()
    ;(await cache.acquire(['a'])).release()
    ;(await cache.acquire(['c'])).release()
    expect(cache.has('a')).toBe(true)
    expect(cache.has('b')).toBe(false)
    expect(cache.has('c')).toBe(true)
    expect(files()).toHaveLength(2)
    expect(cache.bytes).toBeLessThanOrEqual(250)
  })

  it('downloads a key once for concurrent acquirers (single flight)', async () => {
    const source = folderObjects(root)
    const cache = new ParquetCache({ dir, maxBytes: 1000, source })
    const leases = await Promise.all([cache.acquire(['a']), cache.acquire(['a']), cache.acquire(['a'])])
    expect(source.gets.filter((k) => k === 'a')).toHaveLength(1)
    for (const lease of leases) lease.release()
  })

  it('never deletes a leased file on eviction; deletes it on the last release', async () => {
    const cache = new ParquetCache({ dir, maxBytes: 150, source: folderObjects(root) })
    const running = await cache.acquire(['a'])
    const path = running.path('a')
    const other = await cache.acquire(['b'])
    expect(cache.has('a')).toBe(false)
    expect(existsSync(path)).toBe(true)
    other.release()
    running.release()
    expect(existsSync(path)).toBe(false)
  })

  it('revives an evicted file that is still leased instead of downloading it again', async () => {
    const source = folderObjects(root)
    const cache = new ParquetCache({ dir, maxBytes: 150, source })
    const first = await cache.acquire(['a'])
    ;(await cache.acquire(['b'])).release()
    const second = await cache.acquire(['a'])
    expect(source.gets.filter((k) => k === 'a')).toHaveLength(1)
    first.release()
    expect(existsSync(second.path('a'))).toBe(true)
    second.release()
  })

  it('wipes its own files left by a previous process at start, and nothing else', () => {
    new ParquetCache({ dir, maxBytes: 150, source: folderObjects(root) })
    writeFileSync(join(dir, `${'ab'.repeat(20)}.parquet`), 'x')
    writeFileSync(join(dir, 'not-ours.txt'), 'keep')
    new ParquetCache({ dir, maxBytes: 150, source: folderObjects(root) })
    expect(files()).toEqual([])
    expect(readdirSync(dir)).toEqual(['not-ours.txt'])
  })
})
