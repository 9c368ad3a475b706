import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { icebergMetadataKey } from '../src/iceberg-layout.ts'
import { MAX_MANIFESTS } from '../src/iceberg-manifests.ts'
import { SNAPSHOTS_KEPT } from '../src/iceberg-metadata.ts'
import { IcebergWriter } from '../src/iceberg-writer.ts'
import { request, seedFiles } from './fixtures.ts'

// Issue 18, metadata retention (ADR-016 amended): bytes under iceberg/ follow the data, not the
// number of commits, and every file a kept metadata file references is still there. Exact counts,
// no timing; the writers run against the in-process storage, whose calls interleave like HTTP.

const WAREHOUSE = 's3://bucket'
const SCHEMA = [{ name: 'id', type: 'BIGINT', nullable: true }]
const KEEP = 100
const COMPACT_EVERY = 50

/** Versions 1..n: appends of one 200-row file, every COMPACT_EVERY-th a compaction into one file. */
function history(n: number): Manifest[] {
  let files: Manifest['files'] = []
  const out: Manifest[] = []
  for (let version = 1; version <= n; version++) {
    const compact = version % COMPACT_EVERY === 0
    const file = { key: `datasets/sales/data/${String(version).padStart(8, '0')}.parquet`, rows: 200, bytes: 3000 }
    files = compact ? [{ ...file, rows: files.length * 200, bytes: files.length * 3000 }] : [...files, file]
    out.push({
      name: 'sales',
      version,
      operation: version === 1 ? 'create' : compact ? 'compact' : 'append',
      schema: SCHEMA,
      files,
      row_count: files.reduce((s, f) => s + f.rows, 0),
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      created_at: '2026-01-01T00:00:00.000Z',
      committed_at: new Date(Date.UTC(2026, 0, 1) + version * 1000).toISOString(),
    })
  }
  return out
}

const HISTORY = history(1000)

function writer(storage: MemoryStorage, latest: () => number, keep = KEEP, errors: unknown[] = []): IcebergWriter {
  return new IcebergWriter({
    storage,
    history: async () => HISTORY.slice(0, latest()),
    latest: async () => latest(),
    manifest: async (_name, version) => HISTORY[version - 1] as Manifest,
    warehouse: WAREHOUSE,
    previousVersionsMax: keep,
    onError: (_name, err) => errors.push(err),
  })
}

function icebergBytes(storage: MemoryStorage): { objects: number; bytes: number } {
  let bytes = 0
  let objects = 0
  for (const [key, { body }] of storage.objects) {
    if (!key.startsWith('iceberg/')) continue
    objects++
    bytes += body.length
  }
  return { objects, bytes }
}

const keyOf = (uri: string) => uri.slice(WAREHOUSE.length + 1)

/**
 * Reads v<version>.metadata.json as a reader would, then every manifest list and manifest it names;
 * `current`: also the files of its metadata-log (an older kept file's log may name deleted files, as
 * with Iceberg's own delete-after-commit, which keeps only the current file's log whole).
 */
async function readAll(storage: MemoryStorage, version: number, current = false): Promise<string[]> {
  const metadata = JSON.parse((await storage.getBuffer(icebergMetadataKey('sales', version))).toString('utf8'))
  const read: string[] = []
  if (current) for (const entry of metadata['metadata-log']) read.push(keyOf(entry['metadata-file']))
  for (const snapshot of metadata.snapshots) {
    const listKey = keyOf(snapshot['manifest-list'])
    const list = (await storage.getBuffer(listKey)).toString('latin1')
    read.push(listKey)
    for (const [path] of list.matchAll(/iceberg\/sales\/metadata\/manifest-\d{10}\.avro/g)) {
      await storage.getBuffer(path)
      read.push(path)
    }
  }
  for (const key of read) await storage.getBuffer(key)
  return read
}

async function appendAll(storage: MemoryStorage, until: number, at: Map<number, number> = new Map()) {
  let latest = 0
  const w = writer(storage, () => latest)
  for (latest = 1; latest <= until; latest++) {
    await w.ensure('sales')
    if (latest % 250 === 0) {
      await w.settle()
      at.set(latest, icebergBytes(storage).bytes)
    }
  }
  await w.settle()
  return w
}

describe('iceberg metadata retention keeps what kept metadata references, and no more (issue 18)', () => {
  it('bytes under iceberg/ stay flat over 1,000 commits, and far below keeping everything', async () => {
    const storage = new MemoryStorage()
    const at = new Map<number, number>()
    await appendAll(storage, 1000, at)
    const kept = icebergBytes(storage)
    const everything = new MemoryStorage()
    await writer(everything, () => 1000, 10_000).ensure('sales')
    const all = icebergBytes(everything)
    // Exact figures for docs/BENCHMARKS.md.
    console.info('iceberg bytes', { at: Object.fromEntries(at), kept, all })
    expect(at.get(1000)).toBeLessThanOrEqual((at.get(500) as number) * 1.1)
    expect(kept.objects).toBeLessThanOrEqual(3 * (KEEP + 1 + SNAPSHOTS_KEPT) + MAX_MANIFESTS)
    expect(kept.bytes * 5).toBeLessThan(all.bytes)
    const metadataFiles = [...storage.objects.keys()].filter((k) => k.endsWith('.metadata.json'))
    expect(metadataFiles).toHaveLength(KEEP + 1)
  })

  it('every kept metadata file still reads in full: its lists, its manifests, its metadata-log', async () => {
    const storage = new MemoryStorage()
    await appendAll(storage, 400)
    const reads = new Set<string>()
    for (let version = 400 - KEEP; version <= 400; version++) {
      for (const key of await readAll(storage, version, version === 400)) reads.add(key)
    }
    // Nothing kept that no kept metadata file references, beyond manifests merged away meanwhile.
    const stored = [...storage.objects.keys()].filter((k) => k.startsWith('iceberg/') && !k.endsWith('.metadata.json'))
    const unreferenced = stored.filter((k) => !reads.has(k))
    expect(unreferenced.every((k) => k.includes('/manifest-'))).toBe(true)
    expect(unreferenced.length).toBeLessThanOrEqual(MAX_MANIFESTS + SNAPSHOTS_KEPT)
  })

  it('a lagging replica and a leading one on the same storage leave every current reference readable', async () => {
    const storage = new MemoryStorage()
    let latest = 0
    const ahead = writer(storage, () => latest)
    let behindAt = 0
    const behind = writer(storage, () => behindAt)
    for (latest = 1; latest <= 600; latest++) {
      await ahead.ensure('sales')
      // The laggard wakes every 150 versions and catches up from far below the leader's floors.
      if (latest % 150 === 0) {
        behindAt = latest
        await Promise.all([behind.ensure('sales'), ahead.ensure('sales')])
      }
      if (latest % 37 === 0) await readAll(storage, latest, true)
    }
    await Promise.all([ahead.settle(), behind.settle()])
    for (let version = 600 - KEEP; version <= 600; version++) await readAll(storage, version, version === 600)
    const metadataFiles = [...storage.objects.keys()].filter((k) => k.endsWith('.metadata.json'))
    expect(metadataFiles).toHaveLength(KEEP + 1)
  })

  it('a failed delete does not fail the pass and is retried by a later one', async () => {
    const storage = new MemoryStorage()
    const victim = icebergMetadataKey('sales', 5)
    let failures = 0
    const remove = storage.delete.bind(storage)
    storage.delete = async (key: string) => {
      if (key === victim && failures++ < 3) throw new Error('storaged unavailable')
      return remove(key)
    }
    const errors: unknown[] = []
    let latest = 0
    const w = writer(storage, () => latest, KEEP, errors)
    for (latest = 1; latest <= 110; latest++) {
      expect(await w.ensure('sales')).toBe(latest)
      await w.settle()
    }
    expect(errors).toHaveLength(3)
    expect(storage.objects.has(victim)).toBe(false)
    expect(storage.objects.has(icebergMetadataKey('sales', 10))).toBe(true)
    expect(storage.objects.has(icebergMetadataKey('sales', 9))).toBe(false)
  })

  it('a new process sweeps what an earlier one left, listing the folder once', async () => {
    const storage = new MemoryStorage()
    await writer(storage, () => 999, 10_000).ensure('sales')
    const w = writer(storage, () => 1000)
    const lists = storage.calls.list ?? 0
    await w.ensure('sales')
    await w.settle()
    expect((storage.calls.list ?? 0) - lists).toBe(1)
    const metadataFiles = [...storage.objects.keys()].filter((k) => k.endsWith('.metadata.json'))
    expect(metadataFiles).toHaveLength(KEEP + 1)
    for (let version = 1000 - KEEP; version <= 1000; version++) await readAll(storage, version, version === 1000)
  })

  it('catalogd keeps the current and catalog.iceberg_previous_versions_max previous files, and the REST answer reads in full', async () => {
    const config = testConfig({
      catalog: { iceberg_warehouse: WAREHOUSE, iceberg_previous_versions_max: 10, compaction_auto: false },
    })
    const storage = new MemoryStorage()
    const app = buildApp({ config, storage })
    let loaded: { 'metadata-location': string; metadata: Record<string, unknown> } | undefined
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `f${i}`)
      for (const [i, file] of seedFiles(storage, 'sales', ids).entries()) {
        const payload = request(i === 0 ? 'create' : 'append', [file])
        const res = await app.inject({ method: 'POST', url: '/v1/catalog/datasets/sales/commits', payload })
        expect(res.statusCode, res.body).toBeLessThan(300)
      }
      const res = await app.inject({ method: 'GET', url: '/v1/iceberg/v1/namespaces/lakehouse/tables/sales' })
      expect(res.statusCode, res.body).toBe(200)
      loaded = res.json()
    } finally {
      await app.close()
      config.cleanup()
    }
    expect(loaded?.['metadata-location']).toBe(`${WAREHOUSE}/${icebergMetadataKey('sales', 40)}`)
    expect(loaded?.metadata.properties).toMatchObject({ 'write.metadata.previous-versions-max': '10' })
    const metadataFiles = [...storage.objects.keys()].filter((k) => k.endsWith('.metadata.json'))
    expect(metadataFiles.sort()).toEqual(
      Array.from({ length: 11 }, (_, i) => icebergMetadataKey('sales', 30 + i)).sort(),
    )
    await readAll(storage, 40, true)
  })
})
