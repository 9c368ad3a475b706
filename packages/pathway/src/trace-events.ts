import { Content, Metadata, Steps, Uid } from '@lakehouse/shared/contracts/memory.ts'
import { z } from 'zod'
import type { TraceState } from './trace-state.ts'

// The stored trace events (ADR-004) and the rules every one of them must satisfy on the state it
// is applied to. The commands check a new event with these rules before appending it (and answer
// 404 / 409); the fold checks every stored event again, so an event a buggy or hostile writer
// slipped into storage is quarantined rather than folded.

const Hash = z.string().regex(/^[0-9a-f]{64}$/)
const Version = z.number().int().positive()

export const traceEventSchemas = {
  ADD: z.strictObject({
    uid: Uid,
    parent: Uid.nullable(),
    content: Content,
    steps: Steps,
    metadata: Metadata,
    content_hash: Hash,
  }),
  UPDATE: z.strictObject({
    uid: Uid,
    version: Version,
    content: Content,
    steps: Steps,
    metadata: Metadata,
    content_hash: Hash,
  }),
  REVISE: z.strictObject({
    uid: Uid,
    new_uid: Uid,
    content: Content,
    steps: Steps,
    metadata: Metadata,
    content_hash: Hash,
  }),
  RETIRE: z.strictObject({ uid: Uid, reason: z.string().min(1) }),
  REPLAY: z.strictObject({ uid: Uid, replay_id: z.string().min(1) }),
  REPARENT: z.strictObject({ uid: Uid, version: Version, parent: Uid.nullable() }),
}

export type TraceEventData = {
  [T in keyof typeof traceEventSchemas]: { type: T; data: z.infer<(typeof traceEventSchemas)[T]> }
}
export type TraceEvent = TraceEventData[keyof TraceEventData]

export interface Violation {
  code: 'not_found' | 'trace_not_live' | 'cycle_detected' | 'invalid'
  message: string
}

/** What is wrong with applying `event` to `state`, or null when it may be applied. */
export function violation(state: TraceState, event: TraceEvent): Violation | null {
  if (event.type === 'ADD') {
    if (state.get(event.data.uid)) return { code: 'invalid', message: `uid ${event.data.uid} exists already` }
    return missingParent(state, event.data.parent)
  }
  const uid = event.data.uid
  const record = state.get(uid)
  if (!record) return { code: 'not_found', message: `no trace ${uid} in namespace ${state.namespace}` }
  const { trace } = record
  if (trace.status !== 'live') {
    return { code: 'trace_not_live', message: `trace ${trace.uid} is ${trace.status}; only a live trace can change` }
  }
  switch (event.type) {
    case 'UPDATE':
      return nextVersion(trace.version, event.data.version)
    case 'REVISE':
      return state.get(event.data.new_uid)
        ? { code: 'invalid', message: `uid ${event.data.new_uid} exists already` }
        : null
    case 'RETIRE':
      return null
    case 'REPLAY':
      return record.replayIds.has(event.data.replay_id)
        ? { code: 'invalid', message: `replay_id ${event.data.replay_id} was counted already` }
        : null
    case 'REPARENT':
      return (
        nextVersion(trace.version, event.data.version) ??
        missingParent(state, event.data.parent) ??
        cycle(state, trace.uid, event.data.parent)
      )
  }
}

function nextVersion(current: number, next: number): Violation | null {
  return next === current + 1 ? null : { code: 'invalid', message: `version ${next} does not follow ${current}` }
}

function missingParent(state: TraceState, parent: string | null): Violation | null {
  if (parent === null || state.get(parent)) return null
  return { code: 'not_found', message: `no parent trace ${parent} in namespace ${state.namespace}` }
}

/** A trace may not become its own ancestor: walk up from the new parent looking for it. */
function cycle(state: TraceState, uid: string, parent: string | null): Violation | null {
  if (parent === null) return null
  if (parent !== uid && !state.ancestors(uid, parent).includes(uid)) return null
  return { code: 'cycle_detected', message: `making ${parent} the parent of ${uid} would make ${uid} its own ancestor` }
}

/** Parses a stored event's data by its type; null when the type is unknown or the data malformed. */
export function parseTraceEvent(type: string, data: unknown): TraceEvent | null {
  const schema = traceEventSchemas[type as keyof typeof traceEventSchemas]
  if (!schema) return null
  const parsed = schema.safeParse(data)
  return parsed.success ? ({ type, data: parsed.data } as TraceEvent) : null
}
