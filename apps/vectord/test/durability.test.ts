import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IndexStore } from '../src/index-store.ts'
import { encodeLhv1 } from '../src/lhv1.ts'
import { currentKey } from '../src/snapshot-store.ts'
import { openStore, type Peers, randomVectors, startPeers } from './stack.ts'

// ADR-011 against a real storaged: snapshots round-trip byte for byte across chunk boundaries; a
// corrupt or missing chunk refuses its generation and the one before plus the WAL serve instead;
// the WAL replays in order; two writers racing for one sequence number both land, in turn.

let peers: Peers
beforeAll(async () => {
  peers = await startPeers()
}, 60_000)
afterAll(async () => {
  await peers?.stop()
})

const SMALL_CHUNKS = { chunk_bytes: 4096 }
const DIM = 16
const items = (from: number, count: number, tag: string) =>
  randomVectors(count, DIM, from + 1).map((vector, i) => ({
    id: `k${from + i}`,
    vector,
    metadata: { tag, n: from + i },
  }))

async function storedKeys(prefix: string): Promise<string[]> {
  const keys: string[] = []
  for await (const object of peers.storage.list(prefix)) keys.push(object.key)
  return keys
}

async function liveSnapshot(name: string) {
  const current = JSON.parse((await peers.storage.getBuffer(currentKey(name))).toString())
  const manifest = JSON.parse((await peers.storage.getBuffer(current.manifest)).toString())
  return { current, manifest, chunks: manifest.chunks as Array<{ key: string }> }
}

async function sameSearch(a: IndexStore, b: IndexStore, name: string): Promise<void> {
  for (const vector of randomVectors(5, DIM, 77)) {
    expect(await b.search(name, { vector, k: 10, ef: 500 })).toEqual(await a.search(name, { vector, k: 10, ef: 500 }))
  }
}

describe('snapshots', () => {
  it('round-trip byte for byte through chunks, manifest and CURRENT', async () => {
    const a = await openStore(peers, SMALL_CHUNKS)
    await a.create({ name: 'roundtrip', dim: DIM, metric: 'cosine' })
    await a.upsert('roundtrip', items(0, 300, 'x'))
    await a.deleteItems('roundtrip', ['k1', 'k2'])
    await a.get('roundtrip').snapshot()
    const { manifest, chunks } = await liveSnapshot('roundtrip')
    expect(chunks.length).toBeGreaterThan(3)
    const stored = Buffer.concat(await Promise.all(chunks.map((c) => peers.storage.getBuffer(c.key))))

    const b = await openStore(peers, SMALL_CHUNKS)
    const loaded = b.get('roundtrip')
    expect(loaded.generation).toBe(1)
    expect(loaded.walLength).toBe(0)
    const dir = mkdtempSync(join(tmpdir(), 'lh-lhv1-'))
    try {
      loaded.index.writeGraph(join(dir, 'g'))
      const header = { params: loaded.index.params, count: loaded.index.count, wal_seq: manifest.wal_seq }
      const again: Buffer[] = []
      for await (const piece of encodeLhv1(header, loaded.index.tables(), join(dir, 'g'))) again.push(piece)
      expect(Buffer.concat(again).equals(stored)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(b.getItem('roundtrip', 'k7').metadata).toEqual({ tag: 'x', n: 7 })
    await sameSearch(a, b, 'roundtrip')
    await a.close()
    await b.close()
  })

  for (const damage of ['corrupt', 'missing'] as const) {
    it(`refuses a generation with a ${damage} chunk and serves the one before plus the WAL`, async () => {
      const name = `damaged_${damage}`
      const a = await openStore(peers, SMALL_CHUNKS)
      await a.create({ name, dim: DIM, metric: 'l2' })
      await a.upsert(name, items(0, 200, 'one'))
      await a.get(name).snapshot()
      await a.upsert(name, items(200, 200, 'two'))
      await a.upsert(name, items(0, 10, 'three'))
      await a.get(name).snapshot()
      expect(a.get(name).generation).toBe(2)
      const { chunks } = await liveSnapshot(name)
      const victim = chunks[1]?.key as string
      if (damage === 'corrupt') await peers.storage.put(victim, Buffer.alloc(4096, 7))
      else await peers.storage.delete(victim)

      const b = await openStore(peers, SMALL_CHUNKS)
      const loaded = b.get(name)
      expect(loaded.refused).toHaveLength(1)
      expect(loaded.refused[0]).toMatch(/^generation 2 refused: chunk .* (fails its sha256|missing)/)
      expect(loaded.generation).toBe(1)
      expect(b.readiness().refused[0]).toContain(name)
      expect(loaded.index.count).toBe(400)
      expect(b.getItem(name, 'k5').metadata).toEqual({ tag: 'three', n: 5 })
      expect(b.getItem(name, 'k305').metadata).toEqual({ tag: 'two', n: 305 })
      await sameSearch(a, b, name)
      await a.close()
      await b.close()
    })
  }

  it('falls back to an empty index and the whole WAL when the only generation is damaged', async () => {
    const a = await openStore(peers, SMALL_CHUNKS)
    await a.create({ name: 'only_gen', dim: DIM, metric: 'l2' })
    await a.upsert('only_gen', items(0, 100, 'one'))
    await a.get('only_gen').snapshot()
    const { chunks } = await liveSnapshot('only_gen')
    await peers.storage.put(chunks[0]?.key as string, 'garbage')
    const b = await openStore(peers, SMALL_CHUNKS)
    expect(b.get('only_gen').generation).toBe(0)
    expect(b.get('only_gen').index.count).toBe(100)
    await sameSearch(a, b, 'only_gen')
  })

  it('numbers a snapshot above a torn one (chunks left by a crash) and removes the torn one', async () => {
    const a = await openStore(peers, SMALL_CHUNKS)
    await a.create({ name: 'torn', dim: DIM, metric: 'l2' })
    await a.upsert('torn', items(0, 50, 'x'))
    await peers.storage.putIfAbsent('vectors/torn/snap/000000000001/chunk-000000.lhv1', 'half a snapshot')
    await a.get('torn').snapshot()
    expect(a.get('torn').generation).toBe(2)
    await a.upsert('torn', items(50, 10, 'y'))
    await a.get('torn').snapshot()
    const generations = new Set((await storedKeys('vectors/torn/snap/')).map((k) => k.split('/')[3]))
    expect([...generations].sort()).toEqual(['000000000002', '000000000003'])
  })

  it('prunes WAL entries and generations that neither the live nor the fallback generation needs', async () => {
    const a = await openStore(peers, SMALL_CHUNKS)
    await a.create({ name: 'pruned', dim: DIM, metric: 'l2' })
    for (let g = 0; g < 3; g++) {
      await a.upsert('pruned', items(g * 10, 10, 'a'))
      await a.upsert('pruned', items(g * 10, 10, 'b'))
      await a.get('pruned').snapshot()
    }
    const generations = new Set((await storedKeys('vectors/pruned/snap/')).map((k) => k.split('/')[3]))
    expect([...generations].sort()).toEqual(['000000000002', '000000000003'])
    const wal = (await storedKeys('vectors/pruned/wal/')).map((k) => Number(/(\d{12})/.exec(k)?.[1]))
    expect(wal).toEqual([5, 6])
  })
})

describe('a clean stop', () => {
  it('snapshots until no WAL is left, even with a snapshot of an earlier state under way', async () => {
    const a = await openStore(peers, SMALL_CHUNKS)
    await a.create({ name: 'clean_stop', dim: DIM, metric: 'l2' })
    await a.upsert('clean_stop', items(0, 100, 'early'))
    const early = a.get('clean_stop').snapshot()
    // Its first chunk stored means its state is captured: the next write is not in it.
    await waitFor(async () => (await storedKeys('vectors/clean_stop/snap/')).length > 0, 'the first chunk')
    await a.upsert('clean_stop', items(100, 100, 'late'))
    await a.close()
    await early
    const b = await openStore(peers, SMALL_CHUNKS)
    expect(b.get('clean_stop').walLength).toBe(0)
    expect(b.get('clean_stop').index.count).toBe(200)
    await sameSearch(a, b, 'clean_stop')
  })
})

describe('the write-ahead log', () => {
  it('replays in order: the last write of an id wins after a restart', async () => {
    const a = await openStore(peers)
    await a.create({ name: 'ordered', dim: DIM, metric: 'l2' })
    const [v1, v2] = randomVectors(2, DIM, 5) as [number[], number[]]
    await a.upsert('ordered', [{ id: 'x', vector: v1, metadata: { version: 1 } }])
    await a.upsert('ordered', [{ id: 'x', vector: v2, metadata: { version: 2 } }])
    await a.upsert('ordered', [{ id: 'y', vector: v1, metadata: { version: 1 } }])
    await a.deleteItems('ordered', ['y'])
    await a.upsert('ordered', [{ id: 'z', vector: v1, metadata: {} }])
    await a.deleteItems('ordered', ['z'])
    await a.upsert('ordered', [{ id: 'z', vector: v2, metadata: { back: true } }])
    const b = await openStore(peers)
    expect(b.get('ordered').walSeq).toBe(7)
    expect(b.getItem('ordered', 'x').metadata).toEqual({ version: 2 })
    expect(b.getItem('ordered', 'x').vector).toEqual(Array.from(Float32Array.from(v2)))
    expect(() => b.getItem('ordered', 'y')).toThrow(/no item/)
    expect(b.getItem('ordered', 'z').metadata).toEqual({ back: true })
    expect(b.get('ordered').index.count).toBe(2)
  })

  it('lets two writers race for sequence numbers: each acknowledged batch lands once, none is lost', async () => {
    const a = await openStore(peers)
    await a.create({ name: 'raced', dim: DIM, metric: 'l2' })
    const b = await openStore(peers)
    const writes: Array<Promise<number>> = []
    for (let i = 0; i < 20; i++) {
      writes.push(a.upsert('raced', items(i * 2, 1, 'a')), b.upsert('raced', items(i * 2 + 1, 1, 'b')))
    }
    expect(await Promise.all(writes)).toEqual(Array(40).fill(1))
    const wal = await storedKeys('vectors/raced/wal/')
    expect(wal).toHaveLength(40)
    const c = await openStore(peers)
    expect(c.get('raced').index.count).toBe(40)
    expect(c.getItem('raced', 'k39').metadata).toEqual({ tag: 'b', n: 39 })
    expect(Math.max(a.get('raced').walSeq, b.get('raced').walSeq)).toBe(40)
  })
})
