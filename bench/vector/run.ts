import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type DaemonProcess, startDaemon, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
// bench/ is not a workspace package: hnswlib comes through vectord's own index module, so the
// in-process baseline is the very build and parameters vectord runs.
import { VectorIndex } from '../../apps/vectord/src/vector-index.ts'
import { clusteredVectors, exactTopK } from './data.ts'

// bench/vector: clustered synthetic vectors (d=768), upserted through the gateway into vectord and
// added with raw addPoint to hnswlib in-process, in the same order with the same parameters (so the
// two graphs are the same). Then: recall@10 against exact search at ef 32/64/128; search QPS of 8
// concurrent clients through the gateway against in-process searchKnn on the same queries; upsert
// items/s through HTTP against raw addPoint; snapshot write (SIGTERM) and restart-to-serving; RSS.
// 50K vectors by default (LH_BENCH_QUICK=1 too), 200K with LH_BENCH_VECTOR_LARGE=1.

const LARGE = process.env.LH_BENCH_VECTOR_LARGE === '1'
const COUNT = Number(process.env.LH_BENCH_VECTOR_COUNT) || (LARGE ? 200_000 : 50_000)
const DIM = 768
const QUERIES = 100
const BATCH = 1000
const CONCURRENCY = 8
const QPS_REQUESTS = 2_000
const EFS = [32, 64, 128]
const REPO = resolve(import.meta.dirname, '../..')
const NAME = 'bench'

/** vectord answers /health before its indexes are loaded: serving means its index routes answer. */
async function startVectord(env: Record<string, string>, port?: number): Promise<DaemonProcess> {
  const daemon = await startDaemon('vectord', { env, ...(port ? { port } : {}) })
  await waitFor(async () => (await fetch(`${daemon.url}/v1/vectors/indexes`)).status === 200, 'vectord loaded', 600_000)
  return daemon
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits
const seconds = (since: number) => (performance.now() - since) / 1000

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Math.round(Number(line?.split(/\s+/)[1]) / 1024)
}

async function httpSearch(gateway: string, query: Float32Array, ef: number): Promise<string[]> {
  const answer = (await post(`${gateway}/v1/vectors/indexes/${NAME}/search`, {
    vector: Array.from(query),
    k: 10,
    ef,
  })) as { hits: Array<{ id: string }> }
  return answer.hits.map((h) => h.id)
}

function recall(found: string[][], truth: string[][]): number {
  let hit = 0
  found.forEach((ids, q) => {
    const want = new Set(truth[q])
    hit += ids.filter((id) => want.has(id)).length
  })
  return round(hit / (truth.length * 10), 3)
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lh-bench-vector-'))
  const daemons: DaemonProcess[] = []
  try {
    console.log(`generating ${COUNT} clustered vectors of d=${DIM} and ${QUERIES} queries`)
    const { vectors, queries } = clusteredVectors(COUNT, QUERIES, DIM)
    const params = {
      name: NAME,
      dim: DIM,
      metric: 'cosine' as const,
      m: 16,
      ef_construction: 200,
      ef_search: 64,
      model: null,
      created_at: '',
    }

    let started = performance.now()
    const local = VectorIndex.create(params)
    for (let at = 0; at < COUNT; at += BATCH) {
      local.upsert(vectors.slice(at, at + BATCH).map((vector, j) => ({ id: String(at + j), vector, metadata: {} })))
    }
    const rawAddSeconds = seconds(started)
    console.log(`raw addPoint: ${round(rawAddSeconds)} s`)

    const env = { LH_PATHS_DATA_DIR: join(work, 'data'), LH_LOG_LEVEL: 'warn' }
    const storaged = await startDaemon('storaged', { env })
    daemons.push(storaged)
    const vectordEnv = { ...env, LH_PEERS_STORAGED: storaged.url, LH_VECTORS_SNAPSHOT_EVERY_OPS: String(10 * COUNT) }
    let vectord = await startVectord(vectordEnv)
    daemons.push(vectord)
    const gateway = await startDaemon('gateway', {
      env: { ...env, LH_PEERS_VECTORD: vectord.url },
    })
    daemons.push(gateway)

    await post(`${gateway.url}/v1/vectors/indexes`, { name: NAME, dim: DIM, metric: 'cosine' })
    started = performance.now()
    for (let at = 0; at < COUNT; at += BATCH) {
      const items = vectors.slice(at, at + BATCH).map((v, j) => ({ id: String(at + j), vector: Array.from(v) }))
      await post(`${gateway.url}/v1/vectors/indexes/${NAME}/upsert`, { items })
    }
    const httpUpsertSeconds = seconds(started)
    console.log(`upsert through the gateway: ${round(httpUpsertSeconds)} s`)

    started = performance.now()
    const truth = queries.map((q) => exactTopK(vectors, q, 10).map(String))
    console.log(`exact top-10 of ${QUERIES} queries: ${round(seconds(started))} s`)

    const recalls = []
    for (const ef of EFS) {
      const served: string[][] = []
      for (const q of queries) served.push(await httpSearch(gateway.url, q, ef))
      const inproc = queries.map((q) => local.search(q, { k: 10, ef, exactFilterMax: 0 }).map((h) => h.id))
      recalls.push({ ef, vectord: recall(served, truth), inprocess: recall(inproc, truth) })
    }
    console.log('recall@10', recalls)

    started = performance.now()
    for (let i = 0; i < QPS_REQUESTS; i++)
      local.search(queries[i % QUERIES] as Float32Array, { k: 10, ef: 64, exactFilterMax: 0 })
    const inprocessQps = Math.round(QPS_REQUESTS / seconds(started))
    let next = 0
    started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < QPS_REQUESTS) await httpSearch(gateway.url, queries[next++ % QUERIES] as Float32Array, 64)
      }),
    )
    const gatewayQps = Math.round(QPS_REQUESTS / seconds(started))
    next = 0
    started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < QPS_REQUESTS) await httpSearch(vectord.url, queries[next++ % QUERIES] as Float32Array, 64)
      }),
    )
    const directQps = Math.round(QPS_REQUESTS / seconds(started))
    console.log(`search QPS: in-process ${inprocessQps}, vectord direct ${directQps}, gateway ${gatewayQps}`)

    const rssServing = rssMiB(vectord.child.pid as number)
    started = performance.now()
    const graphPath = join(work, 'raw.hnsw')
    local.writeGraph(graphPath)
    const rawWriteSeconds = seconds(started)
    started = performance.now()
    await vectord.stop('SIGTERM')
    const snapshotSeconds = seconds(started)
    started = performance.now()
    vectord = await startVectord(vectordEnv, vectord.port)
    const info = (await (await fetch(`${vectord.url}/v1/vectors/indexes/${NAME}`)).json()) as {
      count: number
      generation: number
    }
    await httpSearch(vectord.url, queries[0] as Float32Array, 64)
    const restartSeconds = seconds(started)
    const rssRestarted = rssMiB(vectord.child.pid as number)
    daemons.push(vectord)
    if (info.count !== COUNT || info.generation < 1) throw new Error(`after restart: ${JSON.stringify(info)}`)

    report({
      count: COUNT,
      recalls,
      qps: {
        inprocess: inprocessQps,
        vectord_direct: directQps,
        gateway: gatewayQps,
        ratio: round(gatewayQps / inprocessQps),
      },
      upsert: {
        raw_items_per_s: Math.round(COUNT / rawAddSeconds),
        http_items_per_s: Math.round(COUNT / httpUpsertSeconds),
        ratio: round(rawAddSeconds / httpUpsertSeconds),
      },
      snapshot: {
        raw_write_index_s: round(rawWriteSeconds),
        sigterm_snapshot_s: round(snapshotSeconds),
        restart_to_serving_s: round(restartSeconds),
      },
      rss_mib: { serving: rssServing, after_restart: rssRestarted },
    })
  } finally {
    for (const d of daemons.reverse()) await d.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

function report(result: Record<string, unknown> & { count: number }): void {
  console.log(`\n## vector: ${result.count} × ${DIM} clustered, cosine, M 16, ef_construction 200\n`)
  console.log(JSON.stringify(result, null, 2))
  const out = join(REPO, 'bench/results')
  mkdirSync(out, { recursive: true })
  const file = join(out, 'vector.json')
  writeFileSync(file, `${JSON.stringify({ bench: 'vector', at: new Date().toISOString(), ...result }, null, 2)}\n`)
  console.log(`\nwrote ${file}`)
}

await main()
