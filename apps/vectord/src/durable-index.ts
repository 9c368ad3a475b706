import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type App, NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'

type FastifyBaseLogger = App['log']

import { CorruptSnapshot, decodeLhv1, encodeLhv1 } from './lhv1.ts'
import type { Current, GenerationRef, SnapshotStore } from './snapshot-store.ts'
import { type IndexParams, VectorIndex } from './vector-index.ts'
import { decodeWal, encodeWal, type WalBatch, walKey } from './wal.ts'

// One index made durable (ADR-011). A batch is acknowledged only after its WAL entry is stored
// create-only at the next sequence number; a writer that loses that race (412) replays what the
// other wrote and retries at the next number, so no two acknowledged batches share a number.
// Start-up loads the live generation (or, when it fails its checksums, the one before it, or an
// empty index when there was none before) and replays the WAL after it. Snapshots never delete
// WAL entries the fallback generation still needs.

export interface DurableDeps {
  storage: StorageClient
  snapshots: SnapshotStore
  tmpDir: string
  log: FastifyBaseLogger
}

export class DurableIndex {
  index: VectorIndex
  walSeq = 0
  /** Why generations were refused at start-up, for the logs and /ready. */
  readonly refused: string[] = []
  readonly #deps: DurableDeps
  #current: Current | null = null
  #etag: string | undefined
  /** The generation the in-memory state was built on (null: from an empty index and the whole WAL). */
  #base: GenerationRef | null = null
  #opsSinceSnapshot = 0
  #dirtySince: number | null = null
  #lock: Promise<unknown> = Promise.resolve()
  #snapshotting: Promise<void> | null = null

  private constructor(index: VectorIndex, deps: DurableDeps) {
    this.index = index
    this.#deps = deps
  }

  static async open(params: IndexParams, deps: DurableDeps): Promise<DurableIndex> {
    const durable = new DurableIndex(VectorIndex.create(params), deps)
    const stored = await deps.snapshots.readCurrent(params.name)
    const candidates: Array<GenerationRef | null> = stored ? [stored.current, stored.current.previous] : [null]
    durable.#current = stored?.current ?? null
    durable.#etag = stored?.etag
    let loaded = false
    for (const candidate of candidates) {
      if (candidate === null) {
        loaded = true
        break
      }
      try {
        durable.index = await durable.#loadGeneration(params, candidate)
        durable.walSeq = candidate.wal_seq
        durable.#base = candidate
        loaded = true
        break
      } catch (err) {
        if (!(err instanceof CorruptSnapshot)) throw err
        const reason = `generation ${candidate.generation} refused: ${err.message}`
        durable.refused.push(reason)
        deps.log.error({ index: params.name, generation: candidate.generation, reason: err.message }, reason)
      }
    }
    if (!loaded) throw new Error(`index ${params.name}: no usable snapshot generation (${durable.refused.join('; ')})`)
    await durable.#catchUp()
    return durable
  }

  get name(): string {
    return this.index.params.name
  }

  get generation(): number {
    return this.#base?.generation ?? 0
  }

  get walLength(): number {
    return this.walSeq - (this.#base?.wal_seq ?? 0)
  }

  get opsSinceSnapshot(): number {
    return this.#opsSinceSnapshot
  }

  get dirtySince(): number | null {
    return this.#dirtySince
  }

  /** Stores the batch as the next WAL entry, then applies it; answers the items it changed. */
  commit(batch: WalBatch): Promise<number> {
    const bytes = encodeWal(batch, this.index.params.dim)
    return this.#withLock(async () => {
      for (;;) {
        const seq = this.walSeq + 1
        try {
          await this.#deps.storage.putIfAbsent(walKey(this.name, seq), bytes, { contentLength: bytes.length })
        } catch (err) {
          if (!(err instanceof PreconditionFailed)) throw err
          this.#deps.log.warn({ index: this.name, seq }, 'another writer took this WAL sequence number; replaying it')
          await this.#catchUp()
          continue
        }
        const changed = this.#apply(batch)
        this.walSeq = seq
        this.#opsSinceSnapshot += batch.op === 'upsert' ? batch.items.length : batch.ids.length
        this.#dirtySince ??= Date.now()
        return changed
      }
    })
  }

  /** One snapshot at a time; resolves when the current one is live (or abandoned to a rival). */
  snapshot(): Promise<void> {
    this.#snapshotting ??= this.#writeSnapshot().finally(() => {
      this.#snapshotting = null
    })
    return this.#snapshotting
  }

  /** Serializes work on this index: commits, and the instant a snapshot captures the state. */
  #withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn)
    this.#lock = run.catch(() => undefined)
    return run
  }

  #apply(batch: WalBatch): number {
    if (batch.op === 'upsert') {
      this.index.upsert(batch.items)
      return batch.items.length
    }
    return this.index.delete(batch.ids)
  }

  /** Applies every stored WAL entry after walSeq, in order, until the first absent number. */
  async #catchUp(): Promise<void> {
    for (;;) {
      const seq = this.walSeq + 1
      let bytes: Buffer
      try {
        bytes = await this.#deps.storage.getBuffer(walKey(this.name, seq))
      } catch (err) {
        if (err instanceof NotFound) return
        throw err
      }
      this.#apply(decodeWal(bytes))
      this.walSeq = seq
      this.#dirtySince ??= Date.now()
    }
  }

  async #loadGeneration(params: IndexParams, ref: GenerationRef): Promise<VectorIndex> {
    const dir = await mkdtemp(join(this.#deps.tmpDir, 'load-'))
    try {
      await this.#deps.snapshots.fetch(ref, join(dir, 'stream.lhv1'))
      const { header, tables } = await decodeLhv1(join(dir, 'stream.lhv1'), join(dir, 'graph.hnsw'))
      if (header.params.dim !== params.dim || header.wal_seq !== ref.wal_seq) {
        throw new CorruptSnapshot('header does not match the manifest it was listed under')
      }
      return VectorIndex.load(params, join(dir, 'graph.hnsw'), tables)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async #writeSnapshot(): Promise<void> {
    const dir = await mkdtemp(join(this.#deps.tmpDir, 'snap-'))
    const graphPath = join(dir, 'graph.hnsw')
    try {
      const captured = await this.#withLock(async () => {
        this.index.writeGraph(graphPath)
        return {
          tables: this.index.tables(),
          walSeq: this.walSeq,
          count: this.index.count,
          ops: this.#opsSinceSnapshot,
        }
      })
      if (captured.walSeq === (this.#base?.wal_seq ?? 0)) return
      // Above every stored generation: a snapshot torn by a crash leaves chunks under its number.
      const stored = await this.#deps.snapshots.generations(this.name)
      const generation = Math.max(this.#current?.generation ?? 0, this.#base?.generation ?? 0, ...stored) + 1
      const header = { params: this.index.params, count: captured.count, wal_seq: captured.walSeq }
      const stream = encodeLhv1(header, captured.tables, graphPath)
      const ref = await this.#deps.snapshots.write(this.name, generation, stream, header)
      const next: Current = { ...ref, previous: this.#base }
      try {
        this.#etag = await this.#deps.snapshots.swapCurrent(this.name, next, this.#etag)
      } catch (err) {
        if (!(err instanceof PreconditionFailed)) throw err
        this.#deps.log.warn({ index: this.name, generation }, 'CURRENT moved under this snapshot; dropping it')
        await this.#deps.snapshots.removeGeneration(this.name, generation)
        const stored = await this.#deps.snapshots.readCurrent(this.name)
        this.#current = stored?.current ?? null
        this.#etag = stored?.etag
        return
      }
      this.#current = next
      this.#base = ref
      this.#opsSinceSnapshot = Math.max(0, this.#opsSinceSnapshot - captured.ops)
      this.#dirtySince = this.walSeq > captured.walSeq ? Date.now() : null
      this.#deps.log.info({ index: this.name, generation, wal_seq: captured.walSeq }, 'snapshot live')
      await this.#prune(next)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  /** Drops WAL entries and generations that neither the live nor the fallback generation needs. */
  async #prune(current: Current): Promise<void> {
    const keepWalAfter = current.previous?.wal_seq ?? 0
    const covered: string[] = []
    for await (const object of this.#deps.storage.list(`vectors/${this.name}/wal/`)) {
      const seq = Number(/(\d{12})\.lhw1$/.exec(object.key)?.[1] ?? Number.NaN)
      if (seq <= keepWalAfter) covered.push(object.key)
      else break
    }
    for (const key of covered) await this.#deps.storage.delete(key)
    // Older generations, and torn ones below the live one (never named by CURRENT, never read).
    const keep = new Set([current.generation, current.previous?.generation])
    for (const generation of await this.#deps.snapshots.generations(this.name)) {
      if (generation < current.generation && !keep.has(generation)) {
        await this.#deps.snapshots.removeGeneration(this.name, generation)
      }
    }
  }
}
