import type { HistoryAnswer, ListTracesAnswer, ListTracesQuery, Trace } from '@lakehouse/shared/contracts/memory.ts'
import { requireTrace } from './trace-commands.ts'
import type { TraceState } from './trace-state.ts'

// Reads of the fold's state: a trace, its history, a page of a namespace's traces. Arrays are
// copied, because the fold appends to them after the answer is handed out.

export function getTrace(state: TraceState, uid: string): Trace {
  return requireTrace(state, uid).trace
}

export function traceHistory(state: TraceState, uid: string): HistoryAnswer {
  const record = requireTrace(state, uid)
  return {
    uid,
    namespace: state.namespace,
    status: record.trace.status,
    head: chainHead(state, uid),
    lineage: state.ancestors(uid),
    versions: [...record.versions],
    events: [...record.events],
  }
}

/** Follows superseded_by to the end of the REVISE chain (linear: a trace is superseded once). */
export function chainHead(state: TraceState, uid: string): string {
  let head = uid
  const seen = new Set<string>()
  for (;;) {
    const next = state.get(head)?.trace.superseded_by
    if (!next || seen.has(next)) return head
    seen.add(head)
    head = next
  }
}

/** Creation order; the cursor is the position of the next trace, stable because nothing is removed. */
export function listTraces(state: TraceState, query: ListTracesQuery): ListTracesAnswer {
  const all = [...state.records.values()]
  const traces: Trace[] = []
  let i = query.cursor === undefined ? 0 : Number(query.cursor)
  for (; i < all.length && traces.length < query.limit; i++) {
    const trace = (all[i] as (typeof all)[number]).trace
    if (query.status === undefined || trace.status === query.status) traces.push(trace)
  }
  return { traces, next_cursor: i < all.length ? String(i) : null }
}
