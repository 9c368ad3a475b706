import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Acked, append, type Cluster, sql, startCluster } from './cluster.ts'

// Issue 16 item 2, ADR-017: two catalogd, two ingestd and two queryd over one storaged, behind one
// gateway given the lists. Concurrent appends through the gateway and straight to each ingestd lose
// nothing and duplicate nothing; a commit acknowledged through one replica is seen by the next
// query on the other queryd; kill -9 of one replica of each mid-load loses no acknowledged write
// and the gateway keeps answering.

const DATASET = 'replicated'
const ROWS_PER_APPEND = 5

let cluster: Cluster
beforeAll(async () => {
  cluster = await startCluster(2)
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

/** Writers, each through its own base URL, appending fresh ids until `stop()`; acknowledged and
 * failed appends are both kept (a failed one may or may not have landed). */
function load(targets: () => string[]) {
  const acked: Acked[] = []
  const failed: number[][] = []
  let next = 1_000_000 * (1 + Math.floor(Math.random() * 1000))
  let running = true
  const writers = targets().map(async (_, w) => {
    while (running) {
      const target = targets()[w] as string
      const ids = Array.from({ length: ROWS_PER_APPEND }, () => next++)
      try {
        acked.push(await append(target, DATASET, ids))
      } catch {
        failed.push(ids)
      }
    }
  })
  return {
    acked,
    failed,
    stop: async () => {
      running = false
      await Promise.all(writers)
    },
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const idsIn = async (base: string) => (await sql(base, `SELECT id FROM ${DATASET}`)).map((row) => Number(row[0]))
const sumRows = (acked: Acked[]) => acked.reduce((n, a) => n + a.ids.length, 0)

describe('replicas over one data folder', () => {
  it('lose and duplicate nothing under concurrent appends through both ingestd', async () => {
    const first = await append(cluster.gateway.url, DATASET, [1, 2, 3])
    const { gateway, ingestd } = cluster
    const urls = [gateway.url, gateway.url, ingestd[0]?.url, ingestd[0]?.url, ingestd[1]?.url, ingestd[1]?.url]
    const writers = load(() => urls as string[])
    await until(() => writers.acked.length >= 40, '40 acknowledged appends')
    await writers.stop()
    expect(writers.failed).toEqual([])
    const acked = [first, ...writers.acked]
    for (const queryd of cluster.queryd) {
      const [[count, distinct]] = (await sql(queryd.url, `SELECT count(*), count(DISTINCT id) FROM ${DATASET}`)) as [
        [number, number],
      ]
      expect(Number(count)).toBe(sumRows(acked))
      expect(Number(distinct)).toBe(Number(count))
    }
    expect((await idsIn(gateway.url)).sort()).toEqual(acked.flatMap((a) => a.ids).sort())
  }, 60_000)

  it('shows a commit acknowledged through one replica to the next query on the other queryd', async () => {
    for (let i = 0; i < 6; i++) {
      const marker = 900_000 + i
      await append(cluster.ingestd[i % 2]?.url as string, DATASET, [marker])
      const other = cluster.queryd[(i + 1) % 2]?.url as string
      expect(await sql(other, `SELECT count(*) FROM ${DATASET} WHERE id = ${marker}`)).toEqual([[1]])
    }
  })

  it('loses no acknowledged write when one replica of each is killed -9 mid-load, and the gateway keeps answering', async () => {
    const before = new Set(await idsIn(cluster.gateway.url))
    const { gateway, ingestd, catalogd, queryd } = cluster
    // Writers aimed at the doomed ingestd move to the survivor once it is gone, as a client would.
    let killed = false
    const direct = (i: number) => (killed ? (ingestd[1]?.url as string) : (ingestd[i]?.url as string))
    const writers = load(() => [gateway.url, gateway.url, direct(0), direct(1)])
    let answeredAfterKill = 0
    let querying = true
    const querier = (async () => {
      while (querying) {
        try {
          await sql(gateway.url, `SELECT count(*) FROM ${DATASET}`)
          if (killed) answeredAfterKill++
        } catch {
          // an in-flight query on a killed replica may fail; later ones must not
        }
      }
    })()
    await until(() => writers.acked.length >= 10, '10 acknowledged appends before the kill')
    await Promise.all([catalogd[0], ingestd[0], queryd[0]].map((d) => d?.stop('SIGKILL')))
    killed = true
    const ackedAtKill = writers.acked.length
    await until(
      () => writers.acked.length >= ackedAtKill + 30 && answeredAfterKill >= 5,
      '30 more acknowledged appends and 5 gateway answers after the kill',
    )
    await writers.stop()
    querying = false
    await querier

    const ids = await idsIn(gateway.url)
    expect(new Set(ids).size).toBe(ids.length)
    const present = new Set(ids)
    const lost = writers.acked.flatMap((a) => a.ids).filter((id) => !present.has(id))
    expect(lost).toEqual([])
    // Whatever else is there came from an append that failed in flight (it may have committed).
    const mayHaveLanded = new Set([...before, ...writers.failed.flat(), ...writers.acked.flatMap((a) => a.ids)])
    expect(ids.filter((id) => !mayHaveLanded.has(id))).toEqual([])
    expect(await sql(queryd[1]?.url as string, `SELECT count(*) FROM ${DATASET}`)).toEqual([[ids.length]])

    for (const daemon of ['catalogd', 'ingestd', 'queryd']) {
      const health = await fetch(`${gateway.url}/health/${daemon}`)
      expect(health.status, daemon).toBe(200)
    }
  }, 60_000)
})
