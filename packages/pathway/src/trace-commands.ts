import { canonicalJson } from '@lakehouse/shared/canonical-json.ts'
import type {
  AddTraceRequest,
  MutationAnswer,
  ReviseTraceRequest,
  UpdateTraceRequest,
} from '@lakehouse/shared/contracts/memory.ts'
import { CycleDetected, NotFound, TraceNotLive } from '@lakehouse/shared/errors.ts'
import type { Decision } from './log/folded-log.ts'
import { type TraceEvent, violation } from './trace-events.ts'
import { contentHash, type TraceState } from './trace-state.ts'

// Each command decides, on the newest state, which event to append (or NOOP), and how to answer
// once it is folded. A decision that breaks a rule throws the typed error of that rule; the same
// rules are checked again by the fold for every stored event (trace-events.ts).

type TraceDecision = Decision<TraceState, MutationAnswer>

function checked(state: TraceState, event: TraceEvent): TraceEvent {
  const problem = violation(state, event)
  if (!problem) return event
  if (problem.code === 'not_found') throw new NotFound(problem.message)
  if (problem.code === 'trace_not_live') throw new TraceNotLive(problem.message)
  if (problem.code === 'cycle_detected') throw new CycleDetected(problem.message)
  throw new Error(problem.message) // 'invalid' is a bug of the command, never the caller's input
}

function answerWith(uid: string): TraceDecision['answer'] {
  return (state, event) => ({
    event: event ? (event.type as MutationAnswer['event']) : 'NOOP',
    seq: event ? event.seq : null,
    trace: requireTrace(state, uid).trace,
  })
}

const noop = (uid: string): TraceDecision => ({ draft: null, answer: answerWith(uid) })

export function requireTrace(state: TraceState, uid: string) {
  const record = state.get(uid)
  // Another namespace's uid is simply absent from this state: the same 404, nothing leaks.
  if (!record) throw new NotFound(`no trace ${uid} in namespace ${state.namespace}`)
  return record
}

export function decideAdd(state: TraceState, request: AddTraceRequest, uid: string): TraceDecision {
  const content_hash = contentHash(request.content, request.steps)
  const twin = state.liveWithHash(content_hash)
  if (twin) return noop(twin.trace.uid)
  const { content, steps, metadata, parent } = request
  const event = checked(state, { type: 'ADD', data: { uid, parent, content, steps, metadata, content_hash } })
  return { draft: event, answer: answerWith(uid) }
}

export function decideUpdate(state: TraceState, uid: string, request: UpdateTraceRequest): TraceDecision {
  const { trace } = requireTrace(state, uid)
  const content = request.content ?? trace.content
  const steps = request.steps ?? trace.steps
  const metadata = request.metadata ?? trace.metadata
  const content_hash = contentHash(content, steps)
  const data = { uid, version: trace.version + 1, content, steps, metadata, content_hash }
  const event = checked(state, { type: 'UPDATE', data })
  if (content_hash === trace.content_hash && sameJson(metadata, trace.metadata)) return noop(uid)
  return { draft: event, answer: answerWith(uid) }
}

export function decideRevise(
  state: TraceState,
  uid: string,
  request: ReviseTraceRequest,
  newUid: string,
): TraceDecision {
  const { trace } = requireTrace(state, uid)
  const steps = request.steps ?? trace.steps
  const metadata = request.metadata ?? trace.metadata
  const data = {
    uid,
    new_uid: newUid,
    content: request.content,
    steps,
    metadata,
    content_hash: contentHash(request.content, steps),
  }
  return { draft: checked(state, { type: 'REVISE', data }), answer: answerWith(newUid) }
}

export function decideRetire(state: TraceState, uid: string, reason: string): TraceDecision {
  return { draft: checked(state, { type: 'RETIRE', data: { uid, reason } }), answer: answerWith(uid) }
}

export function decideReplay(state: TraceState, uid: string, replayId: string): TraceDecision {
  const record = requireTrace(state, uid)
  if (record.trace.status === 'live' && record.replayIds.has(replayId)) return noop(uid)
  return { draft: checked(state, { type: 'REPLAY', data: { uid, replay_id: replayId } }), answer: answerWith(uid) }
}

export function decideReparent(state: TraceState, uid: string, parent: string | null): TraceDecision {
  const { trace } = requireTrace(state, uid)
  if (trace.status === 'live' && trace.parent === parent) return noop(uid)
  const event = checked(state, { type: 'REPARENT', data: { uid, version: trace.version + 1, parent } })
  return { draft: event, answer: answerWith(uid) }
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}
