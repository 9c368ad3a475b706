import type { HistoryEntry, Trace } from '@lakehouse/shared/contracts/memory.ts'
import type { StoredEvent } from './log/event-log.ts'
import { type Fold, FoldRejected } from './log/folded-log.ts'
import { parseTraceEvent, type TraceEvent, type TraceEventData, violation } from './trace-events.ts'
import { contentHash, type TraceRecord, TraceState } from './trace-state.ts'

// The pathway fold (ADR-004): trace events applied in seq order. Every event is checked against
// the state first (trace-events.ts); one that breaks a rule is refused whole and quarantined.

export const TRACE_KIND = 'trace'

export const traceFold: Fold<TraceState> = {
  kind: TRACE_KIND,
  initial: (namespace) => new TraceState(namespace),
  toJSON: (state) => state.toJSON(),
  fromJSON: (namespace, json) => TraceState.fromJSON(namespace, json),
  apply(state, stored) {
    const event = parseTraceEvent(stored.type, stored.data)
    if (!event) throw new FoldRejected(`not a valid ${stored.type} trace event`)
    const problem = violation(state, event)
    if (problem) throw new FoldRejected(problem.message)
    if ('content_hash' in event.data && event.data.content_hash !== contentHash(event.data.content, event.data.steps)) {
      throw new FoldRejected('content_hash does not match content and steps')
    }
    applyTraceEvent(state, event, stored)
  },
}

function applyTraceEvent(state: TraceState, event: TraceEvent, stored: StoredEvent): void {
  const { seq, at } = stored
  const entry = (version: number, status: Trace['status'], detail: HistoryEntry['detail'] = {}): HistoryEntry => ({
    seq,
    type: event.type,
    at,
    version,
    status,
    detail,
  })
  switch (event.type) {
    case 'ADD':
      create(state, event.data, at, entry(1, 'live'))
      return
    case 'UPDATE': {
      const record = state.get(event.data.uid) as TraceRecord
      const { version, content, steps, metadata, content_hash } = event.data
      const trace = { ...record.trace, version, content, steps, metadata, content_hash, updated_at: at }
      record.versions.push({ version, at, parent: trace.parent, content, steps, metadata, content_hash })
      record.events.push(entry(version, 'live'))
      state.put(record, trace)
      return
    }
    case 'REVISE': {
      const old = state.get(event.data.uid) as TraceRecord
      const { new_uid, content, steps, metadata, content_hash } = event.data
      const trace: Trace = { ...old.trace, status: 'superseded', superseded_by: new_uid, updated_at: at }
      old.events.push(entry(old.trace.version, 'superseded', { new_uid }))
      state.put(old, trace)
      const data = { uid: new_uid, parent: old.trace.uid, content, steps, metadata, content_hash }
      create(state, data, at, entry(1, 'live', { revised: old.trace.uid }))
      return
    }
    case 'RETIRE': {
      const record = state.get(event.data.uid) as TraceRecord
      const trace: Trace = { ...record.trace, status: 'retired', retired_reason: event.data.reason, updated_at: at }
      record.events.push(entry(trace.version, 'retired', { reason: event.data.reason }))
      state.put(record, trace)
      return
    }
    case 'REPLAY': {
      const record = state.get(event.data.uid) as TraceRecord
      record.replayIds.add(event.data.replay_id)
      record.events.push(entry(record.trace.version, 'live', { replay_id: event.data.replay_id }))
      state.put(record, { ...record.trace, replay_count: record.trace.replay_count + 1 })
      return
    }
    case 'REPARENT': {
      const record = state.get(event.data.uid) as TraceRecord
      const { version, parent } = event.data
      const trace = { ...record.trace, version, parent, updated_at: at }
      const { content, steps, metadata, content_hash } = trace
      record.versions.push({ version, at, parent, content, steps, metadata, content_hash })
      record.events.push(entry(version, 'live', { parent }))
      state.put(record, trace)
      return
    }
  }
}

function create(state: TraceState, data: TraceEventData['ADD']['data'], at: string, first: HistoryEntry): void {
  const { uid, parent, content, steps, metadata, content_hash } = data
  const trace: Trace = {
    uid,
    namespace: state.namespace,
    version: 1,
    parent,
    content,
    steps,
    metadata,
    status: 'live',
    replay_count: 0,
    content_hash,
    created_at: at,
    updated_at: at,
    superseded_by: null,
    retired_reason: null,
  }
  const record: TraceRecord = {
    trace,
    versions: [{ version: 1, at, parent, content, steps, metadata, content_hash }],
    events: [first],
    replayIds: new Set(),
  }
  state.put(record, trace)
}
