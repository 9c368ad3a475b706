import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { CommitRequest, DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { dataFileKey, manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { entryOf } from '../../apps/catalogd/src/commit-entry.ts'
import { checkpointKey } from '../../apps/catalogd/src/layout.ts'
import { nextManifest } from '../../apps/catalogd/src/next-manifest.ts'
import { type Counts, countingStorage } from './counting.ts'

// bench/catalog: what one small commit (an append of one file, with an idempotency key, as ingestd
// sends it) costs at version 10 and at version 10,000 of one dataset, through the catalog's own
// code against a real storaged (fs backend). Per point: p50/p99 ms over COMMITS commits, and the
// exact storage calls and bytes written and read per commit (the writes after the acknowledgement
// — index entry, checkpoint — included). The history below each point is seeded straight into
// storage in the layout under test, then a fresh catalog warms up with one commit.
// LH_BENCH_CATALOG_IMPL=<folder with an older apps/catalogd/src>: run that implementation instead,
// seeding full manifests (the layout before ADR-020), at versions 10 and 1,000.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const REPO = resolve(import.meta.dirname, '../..')
const IMPL = process.env.LH_BENCH_CATALOG_IMPL
const LEGACY = IMPL !== undefined
const POINTS = LEGACY ? [10, 1_000] : [10, 10_000]
const COMMITS = QUICK ? 20 : 50
const CHECKPOINT_INTERVAL = 100
const SCHEMA = [{ name: 'id', type: 'BIGINT', nullable: false }]
const NOW = '2026-01-01T00:00:00.000Z'

interface CatalogLike {
  commit(name: string, request: CommitRequest): Promise<Manifest>
  settle?(): Promise<void>
}
type CatalogClass = new (storage: unknown, options: Record<string, unknown>) => CatalogLike

const fileOf = (name: string, id: string): DataFile => ({ key: dataFileKey(name, id), rows: 200, bytes: 4096 })

/** Writes versions 1..`versions` of `name` straight into storage, as commits would have left them. */
async function seedHistory(client: StorageClient, name: string, versions: number): Promise<void> {
  let base: Manifest | undefined
  const objects: { key: string; body: string }[] = []
  for (let v = 1; v <= versions; v++) {
    const request: CommitRequest = {
      operation: v === 1 ? 'create' : 'append',
      schema: SCHEMA,
      files: [fileOf(name, `seed${String(v).padStart(6, '0')}`)],
      idempotency_key: `seed-${v}`,
    }
    const next = nextManifest(name, base, request, NOW)
    objects.push({ key: manifestKey(name, v), body: JSON.stringify(LEGACY ? next : entryOf(base, next)) })
    if (!LEGACY && v % CHECKPOINT_INTERVAL === 0)
      objects.push({ key: checkpointKey(name, v), body: JSON.stringify(next) })
    base = next
  }
  await client.putIfAbsent(`catalog/_datasets/${name}`, '')
  let next = 0
  const worker = async () => {
    while (next < objects.length) {
      const object = objects[next++] as { key: string; body: string }
      await client.putIfAbsent(object.key, object.body)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number).toFixed(2))
}
const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length)

function perCommit(all: Counts[]) {
  const methods = new Set(all.flatMap((c) => Object.keys(c.calls)))
  const calls: Record<string, number> = {}
  for (const m of methods) calls[m] = Number((all.reduce((n, c) => n + (c.calls[m] ?? 0), 0) / all.length).toFixed(2))
  return { calls, bytes_written: mean(all.map((c) => c.bytesWritten)), bytes_read: mean(all.map((c) => c.bytesRead)) }
}

/** A dataset seeded to `version` versions, and a fresh catalog warmed up on it by one commit. */
async function preparePoint(client: StorageClient, Catalog: CatalogClass, version: number) {
  const name = `bench_v${version}`
  await seedHistory(client, name, version)
  const { storage, take } = countingStorage(client)
  const options = {
    maxCommitAttempts: 8,
    manifestCacheEntries: 10_000,
    cacheBytes: 64 * 2 ** 20,
    checkpointInterval: CHECKPOINT_INTERVAL,
  }
  const catalog = new Catalog(storage, options)
  const commitOne = async (id: string) => {
    const file = fileOf(name, id)
    await client.putIfAbsent(file.key, 'x')
    take()
    const started = performance.now()
    await catalog.commit(name, { operation: 'append', schema: SCHEMA, files: [file], idempotency_key: id })
    const ms = performance.now() - started
    await catalog.settle?.()
    return { ms, counts: take() }
  }
  const cold = await commitOne('cold')
  return { version, commitOne, cold, ms: [] as number[], counts: [] as Counts[] }
}

/** Commits to every point in turn, so that the machine's load weighs on each point alike. */
async function measurePoints(client: StorageClient, Catalog: CatalogClass) {
  const points = []
  for (const version of POINTS) points.push(await preparePoint(client, Catalog, version))
  for (let i = 0; i < COMMITS; i++) {
    for (const point of points) {
      const one = await point.commitOne(`w${i}`)
      point.ms.push(one.ms)
      point.counts.push(one.counts)
    }
  }
  return points.map((point) => ({
    version: point.version,
    commits: COMMITS,
    p50_ms: percentile(point.ms, 50),
    p99_ms: percentile(point.ms, 99),
    first_commit_of_a_fresh_catalog_ms: Number(point.cold.ms.toFixed(1)),
    first_commit_calls: point.cold.counts.calls,
    ...perCommit(point.counts),
  }))
}

const work = mkdtempSync(join(process.env.LH_BENCH_DIR ?? tmpdir(), 'lh-bench-catalog-'))
const daemon = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: join(work, 'data'), LH_LOG_LEVEL: 'warn' } })
const client = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: daemon.url }))
try {
  const module = (await import(IMPL ? resolve(IMPL, 'catalog.ts') : '../../apps/catalogd/src/catalog.ts')) as {
    Catalog: CatalogClass
  }
  const load = loadavg()[0] as number
  const points = await measurePoints(client, module.Catalog)
  const [early, late] = points as [(typeof points)[0], (typeof points)[0]]
  const result = {
    quick: QUICK,
    layout: LEGACY ? 'full manifest per version (before ADR-020)' : 'commit entries + checkpoints (ADR-020)',
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version, load_1m_at_start: load },
    checkpoint_interval: CHECKPOINT_INTERVAL,
    points,
    late_over_early_p50: Number((late.p50_ms / early.p50_ms).toFixed(2)),
  }
  console.log(`\n## catalog commit cost — ${result.layout}${QUICK ? ' (QUICK)' : ''}, load ${load.toFixed(1)}\n`)
  console.log(
    '| version | p50 ms | p99 ms | storage calls per commit | bytes written | bytes read | first commit of a fresh catalog |',
  )
  console.log('|---|---|---|---|---|---|---|')
  for (const p of points) {
    const calls = Object.entries(p.calls)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ')
    console.log(
      `| ${p.version} | ${p.p50_ms} | ${p.p99_ms} | ${calls} | ${p.bytes_written} | ${p.bytes_read} | ${p.first_commit_of_a_fresh_catalog_ms} ms |`,
    )
  }
  console.log(`\np50 at version ${late.version} / at version ${early.version}: ${result.late_over_early_p50}\n`)
  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true })
  writeFileSync(
    join(REPO, 'bench', 'results', LEGACY ? 'catalog-legacy.json' : 'catalog.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  )
} finally {
  await client.close()
  await daemon.stop()
  rmSync(work, { recursive: true, force: true })
}
