import type { SearchTracesAnswer, SearchTracesRequest, Trace } from '@lakehouse/shared/contracts/memory.ts'
import { FoldIndex } from './fold-index.ts'
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

export interface TraceIndexOptions {
  /** embedd model for traces and queries; unset = embedd's default. */
  model?: string
  log?: MemoryLog
}

export function traceIndexName(namespace: string): string {
  return `pathway_${namespace}`
}

export class TraceIndex {
  readonly #index: FoldIndex
  readonly #options: TraceIndexOptions

  constructor(embed: EmbedPort, vectors: VectorPort, options: TraceIndexOptions = {}) {
    this.#index = new FoldIndex(embed, vectors, {
      indexName: traceIndexName,
      ...(options.model ? { model: options.model } : {}),
    })
    this.#options = options
  }

  /** Brings the index in line with the state for these uids: live ones upserted, others deleted. */
  reflect(namespace: string, uids: string[], state: () => TraceState): Promise<void> {
    const pending = this.#index.pendingOf(namespace)
    for (const uid of uids) pending.add(uid)
    return this.#index.serial(namespace, () => this.#flush(namespace, state()))
  }

  /** At start-up: reflects every trace touched after the watermark, then moves the watermark. */
  recover(namespace: string, log: FoldedLog<TraceState>, watermark: IndexWatermark): Promise<void> {
    return this.#index.serial(namespace, async () => {
      try {
        const { seq: from, etag } = await watermark.read()
        const upTo = log.seq
        if (upTo <= from) return
        const pending = this.#index.pendingOf(namespace)
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
    await this.#index.serial(namespace, () => this.#flush(namespace, state()))
    const { k, filter } = request
    const hits = await this.#index.search(namespace, request.query, k, filter, (uid, distance) => {
      const trace = state().get(uid)?.trace
      // The fold decides, not the index: retired, superseded, foreign or unknown uids never pass.
      if (trace?.status !== 'live' || !matches(trace, filter)) return undefined
      return { uid: trace.uid, score: 1 - distance, distance, trace }
    })
    return { hits }
  }

  /** True when every pending uid is reflected. */
  async #flush(namespace: string, state: TraceState): Promise<boolean> {
    const pending = this.#index.pendingOf(namespace)
    if (pending.size === 0) return true
    const uids = [...pending]
    pending.clear()
    const live = uids.map((uid) => state.get(uid)?.trace).filter((t): t is Trace => t?.status === 'live')
    const gone = uids.filter((uid) => state.get(uid)?.trace.status !== 'live')
    try {
      const items = live.map((t) => ({ id: t.uid, text: t.content, metadata: t.metadata }))
      await this.#index.write(namespace, items, gone)
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
}

function matches(trace: Trace, filter: SearchTracesRequest['filter']): boolean {
  if (!filter) return true
  return Object.entries(filter).every(([key, value]) => trace.metadata[key] === value)
}
