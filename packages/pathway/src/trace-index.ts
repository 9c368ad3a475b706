import type { SearchTracesAnswer, SearchTracesRequest, Trace } from '@lakehouse/shared/contracts/memory.ts'
import { AlreadyExists, Conflict, NotFound } from '@lakehouse/shared/errors.ts'
import type { IndexWatermark } from './index-watermark.ts'
import type { FoldedLog, MemoryLog } from './log/folded-log.ts'
import type { EmbedPort, VectorPort } from './ports.ts'
import type { TraceState } from './trace-state.ts'

// The vector side of pathway (ADR-004): one vectord index per namespace, `pathway_<namespace>`,
// holding the live traces' content vectors. The index is a cache that can be stale (a crash
// between append and index write, vectord down), so search asks it for more than k and keeps only
// what the fold says is live in this namespace. Index writes run one at a time per namespace and
// read the state when they run, so the last write reflects the newest state; a failed one is
// remembered and retried before the next search. A start-up reflects every trace touched after the
// index watermark (index-watermark.ts), so a writer that died before its index write is healed.

const MAX_FETCH = 1000
const EMBED_BATCH = 256
const DELETE_BATCH = 1000

export interface TraceIndexOptions {
  /** embedd model for traces and queries; unset = embedd's default. */
  model?: string
  log?: MemoryLog
}

export function traceIndexName(namespace: string): string {
  return `pathway_${namespace}`
}

export class TraceIndex {
  readonly #embed: EmbedPort
  readonly #vectors: VectorPort
  readonly #options: TraceIndexOptions
  readonly #pending = new Map<string, Set<string>>()
  readonly #chains = new Map<string, Promise<unknown>>()

  constructor(embed: EmbedPort, vectors: VectorPort, options: TraceIndexOptions = {}) {
    this.#embed = embed
    this.#vectors = vectors
    this.#options = options
  }

  /** Brings the index in line with the state for these uids: live ones upserted, others deleted. */
  reflect(namespace: string, uids: string[], state: () => TraceState): Promise<void> {
    const pending = this.#pendingOf(namespace)
    for (const uid of uids) pending.add(uid)
    return this.#serial(namespace, () => this.#flush(namespace, state()))
  }

  /** At start-up: reflects every trace touched after the watermark, then moves the watermark. */
  recover(namespace: string, log: FoldedLog<TraceState>, watermark: IndexWatermark): Promise<void> {
    return this.#serial(namespace, async () => {
      try {
        const { seq: from, etag } = await watermark.read()
        const upTo = log.seq
        if (upTo <= from) return
        const pending = this.#pendingOf(namespace)
        for (const record of log.state.records.values()) {
          if ((record.events.at(-1)?.seq ?? 0) > from) pending.add(record.trace.uid)
        }
        if (await this.#flush(namespace, log.state)) await watermark.advance(upTo, etag)
      } catch (err) {
        this.#options.log?.warn({ namespace, err }, 'trace index recovery failed; retried at the next start-up')
      }
    })
  }

  async search(namespace: string, request: SearchTracesRequest, state: () => TraceState): Promise<SearchTracesAnswer> {
    await this.#serial(namespace, () => this.#flush(namespace, state()))
    const embedded = await this.#embed.embed({ texts: [request.query], kind: 'query', ...this.#model() })
    const vector = embedded.vectors[0] as number[]
    const { k, filter } = request
    let fetchK = Math.min(MAX_FETCH, Math.max(k * 2, k + 10))
    for (;;) {
      let hits: Awaited<ReturnType<VectorPort['search']>>['hits']
      try {
        hits = (
          await this.#vectors.search(traceIndexName(namespace), { vector, k: fetchK, ...(filter ? { filter } : {}) })
        ).hits
      } catch (err) {
        if (err instanceof NotFound) return { hits: [] } // nothing indexed in this namespace yet
        throw err
      }
      const current = state()
      const out: SearchTracesAnswer['hits'] = []
      for (const hit of hits) {
        const trace = current.get(hit.id)?.trace
        // The fold decides, not the index: retired, superseded, foreign or unknown uids never pass.
        if (trace?.status !== 'live' || !matches(trace, filter)) continue
        out.push({ uid: trace.uid, score: 1 - hit.distance, distance: hit.distance, trace })
        if (out.length === k) break
      }
      if (out.length >= k || hits.length < fetchK || fetchK >= MAX_FETCH) return { hits: out }
      fetchK = Math.min(MAX_FETCH, fetchK * 2)
    }
  }

  /** True when every pending uid is reflected. */
  async #flush(namespace: string, state: TraceState): Promise<boolean> {
    const pending = this.#pendingOf(namespace)
    if (pending.size === 0) return true
    const uids = [...pending]
    pending.clear()
    const live = uids.map((uid) => state.get(uid)?.trace).filter((t): t is Trace => t?.status === 'live')
    const gone = uids.filter((uid) => state.get(uid)?.trace.status !== 'live')
    try {
      await this.#upsert(namespace, live)
      if (gone.length > 0) await this.#delete(namespace, gone)
      return true
    } catch (err) {
      for (const uid of uids) pending.add(uid)
      this.#options.log?.warn(
        { namespace, uids: uids.length, err },
        'trace index not updated; retried before the next search',
      )
      return false
    }
  }

  async #upsert(namespace: string, traces: Trace[]): Promise<void> {
    const name = traceIndexName(namespace)
    for (let i = 0; i < traces.length; i += EMBED_BATCH) {
      const batch = traces.slice(i, i + EMBED_BATCH)
      const { vectors } = await this.#embed.embed({
        texts: batch.map((t) => t.content),
        kind: 'document',
        ...this.#model(),
      })
      const items = batch.map((t, j) => ({ id: t.uid, vector: vectors[j] as number[], metadata: t.metadata }))
      try {
        await this.#vectors.upsert(name, items)
      } catch (err) {
        if (!(err instanceof NotFound)) throw err
        await this.#createIndex(name, (vectors[0] as number[]).length)
        await this.#vectors.upsert(name, items)
      }
    }
  }

  async #delete(namespace: string, uids: string[]): Promise<void> {
    for (let i = 0; i < uids.length; i += DELETE_BATCH) {
      try {
        await this.#vectors.deleteItems(traceIndexName(namespace), uids.slice(i, i + DELETE_BATCH))
      } catch (err) {
        if (!(err instanceof NotFound)) throw err
        return // no index yet: nothing to delete
      }
    }
  }

  async #createIndex(name: string, dim: number): Promise<void> {
    try {
      await this.#vectors.createIndex({ name, dim, metric: 'cosine', ...this.#model() })
    } catch (err) {
      if (!(err instanceof AlreadyExists || err instanceof Conflict)) throw err
    }
  }

  #model(): { model?: string } {
    return this.#options.model ? { model: this.#options.model } : {}
  }

  #pendingOf(namespace: string): Set<string> {
    const pending = this.#pending.get(namespace) ?? new Set<string>()
    this.#pending.set(namespace, pending)
    return pending
  }

  #serial(namespace: string, fn: () => Promise<unknown>): Promise<void> {
    const run = (this.#chains.get(namespace) ?? Promise.resolve()).then(fn, fn)
    this.#chains.set(
      namespace,
      run.catch(() => undefined),
    )
    return run.then(() => undefined)
  }
}

function matches(trace: Trace, filter: SearchTracesRequest['filter']): boolean {
  if (!filter) return true
  return Object.entries(filter).every(([key, value]) => trace.metadata[key] === value)
}
