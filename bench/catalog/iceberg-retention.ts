import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { IcebergWriter } from '../../apps/catalogd/src/iceberg-writer.ts'

// Bytes under iceberg/<name>/ after N appends, with metadata retention (ADR-016 amended, issue 18)
// and without (previous-versions-max beyond N, what the catalog did before). Exact counts, no
// timing: one 200-row file per append, the writer's pass after each commit, as catalogd runs it.
//   node bench/catalog/iceberg-retention.ts [appends...]

const WAREHOUSE = 'http://127.0.0.1:3110/v1/storage/objects'
const SCHEMA = [{ name: 'id', type: 'BIGINT', nullable: true }]

function appends(n: number): Manifest[] {
  const files: Manifest['files'] = []
  const out: Manifest[] = []
  for (let version = 1; version <= n; version++) {
    files.push({ key: `datasets/sales/data/${String(version).padStart(8, '0')}.parquet`, rows: 200, bytes: 3000 })
    out.push({
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
  return out
}

async function run(n: number, previousVersionsMax: number) {
  const history = appends(n)
  const storage = new MemoryStorage()
  let latest = 0
  const writer = new IcebergWriter({
    storage,
    history: async () => history.slice(0, latest),
    latest: async () => latest,
    manifest: async (_name, version) => history[version - 1] as Manifest,
    warehouse: WAREHOUSE,
    previousVersionsMax,
    onError: (_name, err) => {
      throw err
    },
  })
  let before = { delete: 0, list: 0 }
  for (latest = 1; latest <= n; latest++) {
    if (latest === n) before = { delete: storage.calls.delete ?? 0, list: storage.calls.list ?? 0 }
    await writer.ensure('sales')
    await writer.settle()
  }
  let bytes = 0
  let objects = 0
  for (const [key, { body }] of storage.objects) {
    if (!key.startsWith('iceberg/')) continue
    objects++
    bytes += body.length
  }
  const lastPass = {
    deletes: (storage.calls.delete ?? 0) - before.delete,
    lists: (storage.calls.list ?? 0) - before.list,
  }
  return { objects, bytes, lastPass }
}

const points = process.argv.slice(2).map(Number)
for (const n of points.length > 0 ? points : [10, 110, 700, 1010, 5000]) {
  const kept = await run(n, 100)
  // Without retention the in-memory store would hold ~1 GB past 5,000 appends: not run there.
  const all = n <= 5000 ? await run(n, n + 1) : undefined
  console.log(
    JSON.stringify({
      appends: n,
      retention: { objects: kept.objects, bytes: kept.bytes, last_pass: kept.lastPass },
      none: all && { objects: all.objects, bytes: all.bytes },
    }),
  )
}
