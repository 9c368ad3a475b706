import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServiceClient } from '@lakehouse/shared'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { type DaemonProcess, startDaemon, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { clusteredVectors } from './data.ts'

// `just smoke-vector-scale` (not in the default gate): 200K × 768 vectors upserted through HTTP, a
// snapshot far above storaged's 256 MiB object cap (SIGTERM), a restart from it, more upserts into
// the WAL, kill -9, a restart from snapshot + WAL; the count and the hits of 100 fixed queries must
// be identical each time. Prints build, snapshot and restart-to-serving times.
// LH_SMOKE_VECTOR_COUNT overrides the 200K (to try the script quickly).

const COUNT = Number(process.env.LH_SMOKE_VECTOR_COUNT) || 200_000
const DIM = 768
const QUERIES = 100
const BATCH = 1000
/** From 100K x 768 the snapshot (~330 MiB) is above the 256 MiB cap with the default chunks; below, 1 MiB chunks. */
const FULL = COUNT >= 100_000
const OBJECT_CAP = FULL ? 256 * 1024 * 1024 : 1024 * 1024
const NAME = 'scale'

/** vectord answers /health before its indexes are loaded: serving means its index routes answer. */
async function startVectord(env: Record<string, string>, port?: number): Promise<DaemonProcess> {
  const daemon = await startDaemon('vectord', { env, ...(port ? { port } : {}) })
  await waitFor(async () => (await fetch(`${daemon.url}/v1/vectors/indexes`)).status === 200, 'vectord loaded', 600_000)
  return daemon
}

const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100

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

async function upsertRange(url: string, vectors: Float32Array[], from: number, to: number): Promise<void> {
  let next = from
  // Two loaders in parallel: one request's parsing overlaps the other's WAL write.
  await Promise.all(
    [0, 1].map(async () => {
      while (next < to) {
        const at = next
        next += BATCH
        const items = vectors
          .slice(at, Math.min(at + BATCH, to))
          .map((v, j) => ({ id: `v${at + j}`, vector: Array.from(v) }))
        await post(`${url}/v1/vectors/indexes/${NAME}/upsert`, { items })
      }
    }),
  )
}

async function hitsOf(url: string, queries: Float32Array[]): Promise<string> {
  const all: string[] = []
  for (const q of queries) {
    const answer = (await post(`${url}/v1/vectors/indexes/${NAME}/search`, { vector: Array.from(q), k: 10 })) as {
      hits: Array<{ id: string; distance: number }>
    }
    all.push(answer.hits.map((h) => h.id).join(','))
  }
  return all.join('|')
}

async function info(url: string): Promise<{ count: number; wal_length: number; generation: number }> {
  return (await (await fetch(`${url}/v1/vectors/indexes/${NAME}`)).json()) as {
    count: number
    wal_length: number
    generation: number
  }
}

const count = async (url: string) => (await info(url)).count

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`FAIL vector-scale: ${what}`)
  console.log(`ok   vector-scale: ${what}`)
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lh-vector-scale-'))
  const started: DaemonProcess[] = []
  /** The vectord running now, stopped in `finally` whatever fails. */
  let vectord: DaemonProcess | undefined
  try {
    const { vectors, queries } = clusteredVectors(COUNT + BATCH, QUERIES, DIM)
    const env = { LH_PATHS_DATA_DIR: join(work, 'data'), LH_LOG_LEVEL: 'info' }
    const storaged = await startDaemon('storaged', { env })
    started.push(storaged)
    const vectordEnv = {
      ...env,
      LH_PEERS_STORAGED: storaged.url,
      LH_VECTORS_SNAPSHOT_EVERY_OPS: String(10 * COUNT),
      ...(FULL ? {} : { LH_VECTORS_CHUNK_BYTES: String(OBJECT_CAP / 4) }),
    }
    vectord = await startVectord(vectordEnv)
    const port = vectord.port
    await post(`${vectord.url}/v1/vectors/indexes`, { name: NAME, dim: DIM, metric: 'cosine' })

    let t = performance.now()
    await upsertRange(vectord.url, vectors, 0, COUNT)
    console.log(`build: ${COUNT} upserted through HTTP in ${seconds(t)} s`)
    const built = await hitsOf(vectord.url, queries)

    t = performance.now()
    const code = await vectord.stop('SIGTERM')
    console.log(`snapshot on SIGTERM: ${seconds(t)} s (exit code ${code})`)
    const logged = vectord
      .output()
      .split('\n')
      .filter((line) => /snapshot|error|shutting|refused/i.test(line))
    for (const line of logged) console.log(`  vectord: ${line.slice(0, 400)}`)
    const storage = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: storaged.url }))
    const current = JSON.parse((await storage.getBuffer(`vectors/${NAME}/CURRENT`)).toString())
    const manifest = JSON.parse((await storage.getBuffer(current.manifest)).toString())
    await storage.close()
    check(
      manifest.total_bytes > OBJECT_CAP,
      `snapshot of ${Math.round(manifest.total_bytes / 2 ** 20)} MiB in ${manifest.chunks.length} chunks (above ${OBJECT_CAP / 2 ** 20} MiB)`,
    )

    t = performance.now()
    vectord = await startVectord(vectordEnv, port)
    const restarted = await info(vectord.url)
    console.log(`restart to serving (snapshot): ${seconds(t)} s`)
    check(code === 0, 'vectord exited 0 on SIGTERM (its snapshot finished within its shutdown timeout)')
    check(restarted.wal_length === 0, `nothing to replay after a clean stop (generation ${restarted.generation})`)
    check(restarted.count === COUNT, `count after restart ${restarted.count}`)
    check((await hitsOf(vectord.url, queries)) === built, 'hits of 100 queries identical after restart')

    await upsertRange(vectord.url, vectors, COUNT, COUNT + BATCH)
    const before = await hitsOf(vectord.url, queries)
    await vectord.stop('SIGKILL')
    t = performance.now()
    vectord = await startVectord(vectordEnv, port)
    const afterKill = await count(vectord.url)
    console.log(`restart to serving (snapshot + WAL) after kill -9: ${seconds(t)} s`)
    check(afterKill === COUNT + BATCH, `count after kill -9 ${afterKill}`)
    check((await hitsOf(vectord.url, queries)) === before, 'hits of 100 queries identical after kill -9')
  } finally {
    await vectord?.stop('SIGKILL')
    for (const d of started.reverse()) await d.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
