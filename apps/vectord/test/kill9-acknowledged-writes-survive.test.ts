import { ServiceClient } from '@lakehouse/shared'
import { VectorClient } from '@lakehouse/shared/clients/vectors.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VectorIndex } from '../src/vector-index.ts'
import { type Peers, randomVectors, startPeers, waitLoaded } from './stack.ts'

// DESIGN §2.1 for vectord: a vectord process is killed with SIGKILL at random moments while a client
// upserts and deletes (and while snapshots of tiny chunks are being written), ten times over. After
// every restart, each acknowledged write is there with its metadata, and search answers exactly as
// an index built in this process from the acknowledged writes alone (plus the one batch that was in
// flight, all or nothing, when it did reach the WAL before the kill).

const ROUNDS = 10
const DIM = 8
const NAME = 'crashy'
let peers: Peers
/** The vectord running now, stopped after the test whatever happens. */
let live: DaemonProcess | undefined
beforeAll(async () => {
  peers = await startPeers()
}, 60_000)
afterAll(async () => {
  await live?.stop('SIGKILL')
  await peers?.stop()
})

type Write =
  | { op: 'upsert'; id: string; vector: number[]; metadata: { round: number; n: number } }
  | { op: 'delete'; id: string }

async function startVectord(): Promise<{ daemon: DaemonProcess; client: VectorClient }> {
  const daemon = await startDaemon('vectord', {
    env: {
      ...peers.env,
      LH_VECTORS_SNAPSHOT_EVERY_OPS: '150',
      LH_VECTORS_CHUNK_BYTES: '16384',
    },
  })
  live = daemon
  await waitLoaded(daemon.url)
  const client = new VectorClient(new ServiceClient({ service: 'vectord', baseUrl: daemon.url }))
  return { daemon, client }
}

/** Upserts (and now and then deletes) until the process dies; answers what was acknowledged. */
async function writeUntilKilled(
  client: VectorClient,
  round: number,
  acked: Write[],
  killed: { value: boolean },
): Promise<Write[] | undefined> {
  let n = 0
  for (;;) {
    const batch: Write[] =
      n % 7 === 6
        ? [{ op: 'delete', id: pickUpserted(acked, n) }]
        : randomVectors(10, DIM, round * 1000 + n).map((vector, i) => ({
            op: 'upsert',
            id: `r${round}-${n}-${i}`,
            vector: Array.from(Float32Array.from(vector)),
            metadata: { round, n },
          }))
    n++
    try {
      if (batch[0]?.op === 'delete')
        await client.deleteItems(
          NAME,
          batch.map((w) => w.id),
        )
      else {
        const upserts = batch as Array<Extract<Write, { op: 'upsert' }>>
        await client.upsert(
          NAME,
          upserts.map(({ id, vector, metadata }) => ({ id, vector, metadata })),
        )
      }
      acked.push(...batch)
    } catch (err) {
      if (!killed.value) throw err
      return batch // in flight when the process died: may or may not have landed
    }
  }
}

function pickUpserted(acked: Write[], n: number): string {
  const upserts = acked.filter((w) => w.op === 'upsert')
  return upserts[(n * 13) % Math.max(1, upserts.length)]?.id ?? 'none'
}

function expectedState(writes: Write[]): Map<string, Extract<Write, { op: 'upsert' }>> {
  const state = new Map<string, Extract<Write, { op: 'upsert' }>>()
  for (const w of writes) {
    if (w.op === 'upsert') state.set(w.id, w)
    else state.delete(w.id)
  }
  return state
}

function referenceIndex(writes: Write[]): VectorIndex {
  const index = VectorIndex.create({
    name: NAME,
    dim: DIM,
    metric: 'l2',
    m: 16,
    ef_construction: 200,
    ef_search: 64,
    model: null,
    created_at: '',
  })
  for (const w of writes) {
    if (w.op === 'upsert') index.upsert([{ id: w.id, vector: Float32Array.from(w.vector), metadata: w.metadata }])
    else index.delete([w.id])
  }
  return index
}

describe('kill -9 of vectord', () => {
  it(`loses no acknowledged write over ${ROUNDS} kills at random moments`, async () => {
    const acked: Write[] = []
    let inFlight: Write[] | undefined
    let vectord = await startVectord()
    await vectord.client.createIndex({ name: NAME, dim: DIM, metric: 'l2' })
    for (let round = 0; round < ROUNDS; round++) {
      const killed = { value: false }
      const writing = writeUntilKilled(vectord.client, round, acked, killed)
      await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 600)))
      killed.value = true
      await vectord.daemon.stop('SIGKILL')
      inFlight = await writing
      await vectord.client.close()
      vectord = await startVectord()

      const info = await vectord.client.getIndex(NAME)
      const without = expectedState(acked)
      const withBatch = expectedState([...acked, ...(inFlight ?? [])])
      const landed = info.count === withBatch.size && withBatch.size !== without.size
      if (landed && inFlight) acked.push(...inFlight)
      const expected = expectedState(acked)
      expect(info.count).toBe(expected.size)
      for (const [id, write] of [...expected].slice(-40)) {
        expect((await vectord.client.getItem(NAME, id)).metadata).toEqual(write.metadata)
      }
    }
    // A clean stop snapshots what the WAL holds; the next start loads it with nothing to replay.
    const before = await vectord.client.getIndex(NAME)
    expect(before.count).toBeGreaterThan(500)
    await vectord.daemon.stop('SIGTERM')
    await vectord.client.close()
    vectord = await startVectord()
    const after = await vectord.client.getIndex(NAME)
    expect(after.generation).toBeGreaterThan(before.generation)
    expect(after.wal_length).toBe(0)
    const expected = expectedState(acked)
    for (const [id, write] of expected) {
      const item = await vectord.client.getItem(NAME, id)
      expect(item.metadata).toEqual(write.metadata)
      expect(item.vector).toEqual(write.vector)
    }
    const reference = referenceIndex(acked)
    for (const query of randomVectors(20, DIM, 4242)) {
      const served = await vectord.client.search(NAME, { vector: query, k: 10, ef: 4096 })
      const local = reference.search(query, { k: 10, ef: 4096, exactFilterMax: 0 })
      expect(served.hits.map((h) => h.id)).toEqual(local.map((h) => h.id))
      expect(served.hits.map((h) => h.metadata)).toEqual(local.map((h) => h.metadata))
    }
    await vectord.client.close()
    await vectord.daemon.stop()
  }, 240_000)
})
