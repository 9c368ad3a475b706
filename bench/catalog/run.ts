import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { CatalogClient } from '@lakehouse/shared/clients/catalog.ts'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { CommitRequest, DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { dataFileKey, manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import { startStack } from '@lakehouse/shared/testing/stack.ts'
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
// The same commit through a catalogd daemon over HTTP (CatalogClient, as ingestd calls it) shows
// what the hop adds; storage calls are not counted there.
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
async function seedHistory(client: StorageClient, name: string, versions: number, replaceEvery: number): Promise<void> {
  let base: Manifest | undefined
  const objects: { key: string; body: string }[] = []
  for (let v = 1; v <= versions; v++) {
    const request: CommitRequest = {
      operation: v === 1 ? 'create' : v % replaceEvery === 0 ? 'replace' : 'append',
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
async function preparePoint(client: StorageClient, Catalog: CatalogClass, version: number, replaceEvery = Infinity) {
  const name = `bench_v${version}${replaceEvery === Infinity ? '' : '_few'}`
  await seedHistory(client, name, version, replaceEvery)
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
  const label = replaceEvery === Infinity ? String(version) : `${version}, ≤${replaceEvery} live files`
  return { version: label, commitOne, cold, ms: [] as number[], counts: [] as Counts[] }
}

/** A dataset of 10 versions committed through catalogd over HTTP, measured like the others. */
async function prepareHttpPoint(client: StorageClient, catalog: CatalogClient) {
  const name = 'bench_http'
  const take = () => ({ calls: {}, bytesWritten: 0, bytesRead: 0 })
  const commitOne = async (id: string) => {
    const file = fileOf(name, id)
    await client.putIfAbsent(file.key, 'x')
    const started = performance.now()
    await catalog.commit(name, { operation: 'append', schema: SCHEMA, files: [file], idempotency_key: id })
    return { ms: performance.now() - started, counts: take() }
  }
  const first = fileOf(name, 'h0')
  await client.putIfAbsent(first.key, 'x')
  await catalog.commit(name, { operation: 'create', schema: SCHEMA, files: [first] })
  for (let v = 2; v < 10; v++) await commitOne(`h${v}`)
  const cold = await commitOne('cold')
  return { version: 'http, 10' as const, commitOne, cold, ms: [] as number[], counts: [] as Counts[] }
}

/** Commits to every point in turn, so that the machine's load weighs on each point alike. */
async function measurePoints(client: StorageClient, Catalog: CatalogClass, http: CatalogClient | undefined) {
  const points: Array<Awaited<ReturnType<typeof preparePoint>> | Awaited<ReturnType<typeof prepareHttpPoint>>> = []
  for (const version of POINTS) points.push(await preparePoint(client, Catalog, version))
  // The same history length with a replace every 100 versions (as compaction would keep it): the
  // layout's own cost, apart from the per-file CPU of a long file list.
  if (!LEGACY) points.push(await preparePoint(client, Catalog, POINTS[1] as number, 100))
  if (http) points.push(await prepareHttpPoint(client, http))
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
const stack = await startStack({ parentDir: work, env: { LH_LOG_LEVEL: 'warn' } })
const client = stack.storage
try {
  const module = (await import(IMPL ? resolve(IMPL, 'catalog.ts') : '../../apps/catalogd/src/catalog.ts')) as {
    Catalog: CatalogClass
  }
  const load = loadavg()[0] as number
  const points = await measurePoints(client, module.Catalog, LEGACY ? undefined : stack.catalog)
  const [early, late, few] = points as [(typeof points)[0], (typeof points)[0], (typeof points)[0] | undefined]
  const result = {
    quick: QUICK,
    layout: LEGACY ? 'full manifest per version (before ADR-020)' : 'commit entries + checkpoints (ADR-020)',
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version, load_1m_at_start: load },
    checkpoint_interval: CHECKPOINT_INTERVAL,
    points,
    late_over_early_p50: Number((late.p50_ms / early.p50_ms).toFixed(2)),
    ...(few ? { late_few_files_over_early_p50: Number((few.p50_ms / early.p50_ms).toFixed(2)) } : {}),
  }
  console.log(`\n## catalog commit cost — ${result.layout}${QUICK ? ' (QUICK)' : ''}, load ${load.toFixed(1)}\n`)
  console.log(
    '| version | p50 ms | p99 ms | storage calls per commit | bytes written | bytes read | first commit of a fresh catalog |',
  )
  console.log('|---|---|---|---|---|---|---|')
  for (const p of points) {
    const counted = Object.keys(p.calls).length > 0
    const calls = counted
      ? Object.entries(p.calls)
          .map(([m, n]) => `${m} ${n}`)
          .join(', ')
      : '(not counted over HTTP)'
    const bytes = counted ? `${p.bytes_written} | ${p.bytes_read}` : '— | —'
    console.log(
      `| ${p.version} | ${p.p50_ms} | ${p.p99_ms} | ${calls} | ${bytes} | ${p.first_commit_of_a_fresh_catalog_ms} ms |`,
    )
  }
  console.log(`\np50 at version ${late.version} / at version ${early.version}: ${result.late_over_early_p50}`)
  if (few)
    console.log(`p50 at version ${few.version} / at version ${early.version}: ${result.late_few_files_over_early_p50}`)
  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true })
  writeFileSync(
    join(REPO, 'bench', 'results', LEGACY ? 'catalog-legacy.json' : 'catalog.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  )
} finally {
  await stack.stop()
  rmSync(work, { recursive: true, force: true })
}
