import { canonicalJson, sha256Hex } from '@lakehouse/shared/canonical-json.ts'
import type { HistoryEntry, Trace, TraceVersion } from '@lakehouse/shared/contracts/memory.ts'

// The fold's state of one namespace: every trace ever added, with all its versions, its history
// and the replay ids it counted, plus the index content hash -> live uids that NOOP needs.
// Trace objects are replaced, never changed in place, so an answer handed out stays as it was.

export interface TraceRecord {
  trace: Trace
  versions: TraceVersion[]
  events: HistoryEntry[]
  replayIds: Set<string>
}

export class TraceState {
  readonly namespace: string
  readonly records = new Map<string, TraceRecord>()
  readonly #liveByHash = new Map<string, Set<string>>()

  constructor(namespace: string) {
    this.namespace = namespace
  }

  get(uid: string): TraceRecord | undefined {
    return this.records.get(uid)
  }

  /** The oldest live trace with this content hash, if any. */
  liveWithHash(hash: string): TraceRecord | undefined {
    const uids = this.#liveByHash.get(hash)
    if (!uids) return undefined
    for (const uid of uids) return this.records.get(uid)
    return undefined
  }

  /** Stores the record's new trace object and keeps the hash index in step with its status. */
  put(record: TraceRecord, trace: Trace): void {
    const before = this.records.get(trace.uid)?.trace
    if (before?.status === 'live') this.#liveByHash.get(before.content_hash)?.delete(before.uid)
    record.trace = trace
    this.records.set(trace.uid, record)
    if (trace.status === 'live') {
      const uids = this.#liveByHash.get(trace.content_hash) ?? new Set()
      uids.add(trace.uid)
      this.#liveByHash.set(trace.content_hash, uids)
    }
  }

  /** Parent, grandparent, ... of uid (starting from `from` when given), stopping at a repeat. */
  ancestors(uid: string, from?: string | null): string[] {
    const out: string[] = []
    const seen = new Set<string>()
    let next = from === undefined ? (this.records.get(uid)?.trace.parent ?? null) : from
    while (next !== null && !seen.has(next)) {
      seen.add(next)
      out.push(next)
      next = this.records.get(next)?.trace.parent ?? null
    }
    return out
  }

  toJSON(): unknown {
    return {
      traces: [...this.records.values()].map((r) => ({
        trace: r.trace,
        versions: r.versions,
        events: r.events,
        replay_ids: [...r.replayIds],
      })),
    }
  }

  static fromJSON(namespace: string, json: unknown): TraceState {
    const state = new TraceState(namespace)
    const { traces } = json as {
      traces: Array<{ trace: Trace; versions: TraceVersion[]; events: HistoryEntry[]; replay_ids: string[] }>
    }
    for (const t of traces) {
      state.put({ trace: t.trace, versions: t.versions, events: t.events, replayIds: new Set(t.replay_ids) }, t.trace)
    }
    return state
  }
}

export function contentHash(content: string, steps: unknown[]): string {
  return sha256Hex(canonicalJson({ content, steps }))
}
