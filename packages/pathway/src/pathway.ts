import { randomUUID } from 'node:crypto'
import {
  type AddTraceRequest,
  type HistoryAnswer,
  type ListTracesAnswer,
  type ListTracesQuery,
  type MutationAnswer,
  NAMESPACE_PATTERN,
  type ReviseTraceRequest,
  type SearchTracesAnswer,
  type SearchTracesRequest,
  type Trace,
  type UpdateTraceRequest,
} from '@lakehouse/shared/contracts/memory.ts'
import { InvalidName } from '@lakehouse/shared/errors.ts'
import { IndexWatermark } from './index-watermark.ts'
import type { LogStorage, Quarantined } from './log/event-log.ts'
import { type Decision, FoldedLog, type MemoryLog } from './log/folded-log.ts'
import type { EmbedPort, VectorPort } from './ports.ts'
import * as commands from './trace-commands.ts'
import { traceFold } from './trace-fold.ts'
import { TraceIndex } from './trace-index.ts'
import { getTrace, listTraces, traceHistory } from './trace-queries.ts'
import type { TraceState } from './trace-state.ts'

// Pathway memory (DESIGN §9, ADR-004): the operations on traces, per namespace, over one folded
// event log each and one vector index each. No HTTP here: observerd maps these calls to routes.

export interface PathwayDeps {
  storage: LogStorage
  embed: EmbedPort
  vectors: VectorPort
  log?: MemoryLog
  now?: () => string
  newUid?: () => string
  /** Snapshot the fold every this many events (default 100). */
  snapshotEvery?: number
  /** Lost append races before a mutation gives up (default 64). */
  maxAppendAttempts?: number
  /** embedd model for traces and queries; unset = embedd's default. */
  embedModel?: string
}

export interface PathwayStatus {
  namespaces: string[]
  quarantined: Quarantined[]
}

export class Pathway {
  readonly #deps: PathwayDeps
  readonly #index: TraceIndex
  readonly #logs = new Map<string, Promise<FoldedLog<TraceState>>>()
  readonly #newUid: () => string

  constructor(deps: PathwayDeps) {
    this.#deps = deps
    this.#newUid = deps.newUid ?? (() => `tr_${randomUUID().replaceAll('-', '')}`)
    this.#index = new TraceIndex(deps.embed, deps.vectors, {
      ...(deps.embedModel ? { model: deps.embedModel } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    })
  }

  add(request: AddTraceRequest): Promise<MutationAnswer> {
    return this.#mutate(request.namespace, (s) => commands.decideAdd(s, request, this.#newUid()))
  }

  update(namespace: string, uid: string, request: UpdateTraceRequest): Promise<MutationAnswer> {
    return this.#mutate(namespace, (s) => commands.decideUpdate(s, uid, request))
  }

  revise(namespace: string, uid: string, request: ReviseTraceRequest): Promise<MutationAnswer> {
    return this.#mutate(namespace, (s) => commands.decideRevise(s, uid, request, this.#newUid()))
  }

  retire(namespace: string, uid: string, reason: string): Promise<MutationAnswer> {
    return this.#mutate(namespace, (s) => commands.decideRetire(s, uid, reason))
  }

  replay(namespace: string, uid: string, replayId: string): Promise<MutationAnswer> {
    return this.#mutate(namespace, (s) => commands.decideReplay(s, uid, replayId))
  }

  reparent(namespace: string, uid: string, parent: string | null): Promise<MutationAnswer> {
    return this.#mutate(namespace, (s) => commands.decideReparent(s, uid, parent))
  }

  async get(namespace: string, uid: string): Promise<Trace> {
    return (await this.#open(namespace)).read((s) => getTrace(s, uid))
  }

  async history(namespace: string, uid: string): Promise<HistoryAnswer> {
    return (await this.#open(namespace)).read((s) => traceHistory(s, uid))
  }

  async list(query: ListTracesQuery): Promise<ListTracesAnswer> {
    return (await this.#open(query.namespace)).read((s) => listTraces(s, query))
  }

  async search(request: SearchTracesRequest): Promise<SearchTracesAnswer> {
    const log = await this.#open(request.namespace)
    await log.read(() => undefined) // fold what other processes appended first
    return this.#index.search(request.namespace, request, () => log.state)
  }

  /** Namespaces loaded by this process and every event quarantined in them (for /ready and logs). */
  async status(): Promise<PathwayStatus> {
    const settled = await Promise.allSettled(this.#logs.values())
    const logs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    return { namespaces: logs.map((l) => l.namespace), quarantined: logs.flatMap((l) => [...l.quarantined]) }
  }

  async #mutate(
    namespace: string,
    decide: (state: TraceState) => Decision<TraceState, MutationAnswer>,
  ): Promise<MutationAnswer> {
    const log = await this.#open(namespace)
    const answer = await log.commit(decide)
    const touched = indexTouched(answer)
    if (touched.length > 0) await this.#index.reflect(namespace, touched, () => log.state)
    return answer
  }

  #open(namespace: string): Promise<FoldedLog<TraceState>> {
    if (!NAMESPACE_PATTERN.test(namespace)) throw new InvalidName(`namespace ${JSON.stringify(namespace)} is not valid`)
    let opening = this.#logs.get(namespace)
    if (!opening) {
      const { storage, log } = this.#deps
      opening = FoldedLog.open(storage, namespace, traceFold, {
        snapshotEvery: this.#deps.snapshotEvery ?? 100,
        maxAppendAttempts: this.#deps.maxAppendAttempts ?? 64,
        now: this.#deps.now ?? (() => new Date().toISOString()),
        ...(log ? { log } : {}),
      })
      this.#logs.set(namespace, opening)
      opening.then(
        // In the background, on the index's queue: the next search and index write wait for it, reads do not.
        (folded) => this.#index.recover(namespace, folded, new IndexWatermark(storage, namespace)),
        // A namespace that failed to load (storaged down) is tried again by the next call.
        () => this.#logs.delete(namespace),
      )
    }
    return opening
  }
}

/** The uids whose vectors an answered event changed. */
function indexTouched(answer: MutationAnswer): string[] {
  switch (answer.event) {
    case 'ADD':
    case 'UPDATE':
    case 'RETIRE':
      return [answer.trace.uid]
    case 'REVISE':
      return answer.trace.parent ? [answer.trace.uid, answer.trace.parent] : [answer.trace.uid]
    default:
      return []
  }
}
