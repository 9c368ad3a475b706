import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { describe, expect, it } from 'vitest'
import { MAX_MANIFESTS } from '../src/iceberg-manifests.ts'
import { deriveIceberg, SNAPSHOTS_KEPT, type VersionObjects } from '../src/iceberg-metadata.ts'
import { IcebergWriter } from '../src/iceberg-writer.ts'

// Issue 18: what the Iceberg metadata of one catalog version costs does not grow with the history.
// Bytes are counted exactly (no timing): the objects version 1,000 writes are about the size of
// those version 10 writes, and a writer pass after a commit reads that commit's manifest only.

const WAREHOUSE = 's3://bucket'
const SCHEMA = [{ name: 'id', type: 'BIGINT', nullable: true }]

/** Versions 1..n of a dataset, each appending one file of 200 rows. */
function appends(n: number): Manifest[] {
  const files: Manifest['files'] = []
  const history: Manifest[] = []
  for (let version = 1; version <= n; version++) {
    files.push({ key: `datasets/sales/data/${String(version).padStart(8, '0')}.parquet`, rows: 200, bytes: 3000 })
    history.push({
      name: 'sales',
      version,
      operation: version === 1 ? 'create' : 'append',
      schema: SCHEMA,
      files: [...files],
      row_count: version * 200,
      bytes: version * 3000,
      created_at: '2026-01-01T00:00:00.000Z',
      committed_at: new Date(Date.UTC(2026, 0, 1) + version * 1000).toISOString(),
    })
  }
  return history
}

function derive(history: Manifest[]): VersionObjects[] {
  const out: VersionObjects[] = []
  deriveIceberg(history, WAREHOUSE, (v) => out.push(v), 1, 1000)
  return out
}

const bytes = (v: VersionObjects | undefined) => (v?.objects ?? []).reduce((n, o) => n + o.body.length, 0)

describe('iceberg bytes per snapshot stay flat as history grows (issue 18)', () => {
  const history = appends(1000)
  const versions = derive(history)

  it('the last version of 1,000 appends writes within 1.25x of the last of 10', () => {
    const ten = bytes(derive(history.slice(0, 10)).at(-1))
    const thousand = bytes(versions.at(-1))
    expect(thousand).toBeLessThan(ten * 1.25)
  })

  it('keeps the last SNAPSHOTS_KEPT snapshots and lists at most MAX_MANIFESTS manifests', () => {
    const metadata = JSON.parse(String(versions.at(-1)?.objects.at(-1)?.body))
    expect(metadata.snapshots).toHaveLength(SNAPSHOTS_KEPT)
    expect(metadata['snapshot-log']).toHaveLength(SNAPSHOTS_KEPT)
    expect(metadata['metadata-log']).toHaveLength(SNAPSHOTS_KEPT)
    expect(metadata['current-snapshot-id']).toBe(1000)
    // The manifest paths a list names (its header's schema names none), at every version.
    const listed = versions.map((v) => {
      const list = v.objects.find((o) => o.key.includes('/snap-'))
      return list ? list.body.toString('latin1').split('metadata/manifest-').length - 1 : 0
    })
    expect(Math.max(...listed)).toBe(MAX_MANIFESTS)
    expect(listed.at(-1)).toBe(((1000 - 1) % MAX_MANIFESTS) + 1)
  })

  it('a writer pass after a commit reads that version only, and writes what a full derivation gives', async () => {
    const storage = new MemoryStorage()
    let latest = 1
    const reads = { history: 0, manifest: 0 }
    const writer = new IcebergWriter({
      storage,
      history: async () => {
        reads.history++
        return history.slice(0, latest)
      },
      latest: async () => latest,
      manifest: async (_name, version) => {
        reads.manifest++
        return history[version - 1] as Manifest
      },
      warehouse: WAREHOUSE,
      // Every version kept: this compares all 200 with a full derivation (retention has its own test).
      previousVersionsMax: 1000,
      onError: () => undefined,
    })
    await writer.ensure('sales')
    for (latest = 2; latest <= 200; latest++) await writer.ensure('sales')
    expect(reads).toEqual({ history: 1, manifest: 199 })
    for (const object of versions.slice(0, 200).flatMap((v) => v.objects)) {
      expect(storage.objects.get(object.key)?.body.equals(object.body), object.key).toBe(true)
    }
  })
})
