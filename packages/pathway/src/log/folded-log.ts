import { Conflict } from '@lakehouse/shared/errors.ts'
import {
  type EventDraft,
  EventLog,
  eventKey,
  type LogStorage,
  type Quarantined,
  type ReadOutcome,
  type StoredEvent,
} from './event-log.ts'
import { SnapshotStore } from './snapshot.ts'

// A fold over one namespace's event log: the state is the fold of every event of its kind, in seq
// order. Every read first folds what other processes appended (one GET of the next seq); every
// commit decides against the newest state and, when another writer took the seq, folds that event
// and decides again. Within a process one namespace's reads and commits run one at a time.

/** Thrown by Fold.apply for an event that cannot happen on this state: it is quarantined. */
export class FoldRejected extends Error {}

export interface Fold<S> {
  /** The event kind this fold owns; also its snapshot folder. */
  kind: string
  initial(namespace: string): S
  /** Applies one event of `kind`; must check everything before it changes anything. */
  apply(state: S, event: StoredEvent): void
  toJSON(state: S): unknown
  fromJSON(namespace: string, json: unknown): S
}

export interface MemoryLog {
  warn(details: object, message: string): void
}

export interface FoldedLogOptions {
  /** Snapshot when this many events were folded since the last snapshot (ADR-004: 100). */
  snapshotEvery: number
  /** Lost create-only races before a commit gives up. */
  maxAppendAttempts: number
  now: () => string
  log?: MemoryLog
}

/** What a commit decided: an event to append (or null for a NOOP), and how to answer after it. */
export interface Decision<S, R> {
  draft: Omit<EventDraft, 'kind'> | null
  answer: (state: S, event: StoredEvent | null) => R
}

const LOAD_CONCURRENCY = 16

export class FoldedLog<S> {
  readonly namespace: string
  readonly #fold: Fold<S>
  readonly #log: EventLog
  readonly #snapshots: SnapshotStore
  readonly #options: FoldedLogOptions
  #state: S
  #seq = 0
  #snapshotSeq = 0
  #quarantined: Quarantined[] = []
  #tail: Promise<unknown> = Promise.resolve()

  private constructor(storage: LogStorage, namespace: string, fold: Fold<S>, options: FoldedLogOptions) {
    this.namespace = namespace
    this.#fold = fold
    this.#log = new EventLog(storage, namespace)
    this.#snapshots = new SnapshotStore(storage, namespace, fold.kind)
    this.#options = options
    this.#state = fold.initial(namespace)
  }

  static async open<S>(
    storage: LogStorage,
    namespace: string,
    fold: Fold<S>,
    options: FoldedLogOptions,
  ): Promise<FoldedLog<S>> {
    const folded = new FoldedLog(storage, namespace, fold, options)
    await folded.#load()
    return folded
  }

  get seq(): number {
    return this.#seq
  }

  /** The state as folded so far, without looking for new events. */
  get state(): S {
    return this.#state
  }

  get quarantined(): readonly Quarantined[] {
    return this.#quarantined
  }

  /** Runs `fn` on the newest state (other processes' events folded first). */
  read<R>(fn: (state: S) => R): Promise<R> {
    return this.#exclusive(async () => {
      await this.#syncTail()
      return fn(this.#state)
    })
  }

  commit<R>(decide: (state: S) => Decision<S, R>): Promise<R> {
    return this.#exclusive(async () => {
      for (let attempt = 0; attempt < this.#options.maxAppendAttempts; attempt++) {
        await this.#syncTail()
        const decision = decide(this.#state)
        if (!decision.draft) return decision.answer(this.#state, null)
        const draft = { kind: this.#fold.kind, ...decision.draft }
        const event = await this.#log.tryAppend(this.#seq + 1, draft, this.#options.now())
        if (!event) continue // another writer holds that seq: fold it and decide again
        this.#applyOutcome({ event })
        await this.#maybeSnapshot()
        return decision.answer(this.#state, event)
      }
      throw new Conflict(
        `memory/${this.namespace}: lost ${this.#options.maxAppendAttempts} append races in a row; try again`,
      )
    })
  }

  async #load(): Promise<void> {
    try {
      const snapshot = await this.#snapshots.load()
      if (snapshot) {
        this.#state = this.#fold.fromJSON(this.namespace, snapshot.state)
        this.#seq = this.#snapshotSeq = snapshot.seq
        this.#quarantined = [...snapshot.quarantined]
      }
    } catch (err) {
      this.#options.log?.warn(
        { namespace: this.namespace, err },
        'memory snapshot unusable; folding the log from seq 1',
      )
      this.#state = this.#fold.initial(this.namespace)
      this.#seq = this.#snapshotSeq = 0
      this.#quarantined = []
    }
    // One listing, then reads in parallel, folded in order up to the first gap; the tail probe does the rest.
    const seqs = await this.#log.listSeqsAfter(this.#seq)
    for (let i = 0; i < seqs.length; i += LOAD_CONCURRENCY) {
      const batch = seqs.slice(i, i + LOAD_CONCURRENCY)
      const outcomes = await Promise.all(batch.map((seq) => this.#log.read(seq)))
      for (const [j, outcome] of outcomes.entries()) {
        if (!outcome || batch[j] !== this.#seq + 1) break
        this.#applyOutcome(outcome)
      }
    }
    await this.#syncTail()
  }

  async #syncTail(): Promise<void> {
    for (;;) {
      const outcome = await this.#log.read(this.#seq + 1)
      if (!outcome) break
      this.#applyOutcome(outcome)
    }
    await this.#maybeSnapshot()
  }

  #applyOutcome(outcome: ReadOutcome): void {
    if ('quarantined' in outcome) {
      this.#quarantine(outcome.quarantined)
    } else if (outcome.event.kind === this.#fold.kind) {
      try {
        this.#fold.apply(this.#state, outcome.event)
      } catch (err) {
        if (!(err instanceof FoldRejected)) throw err
        const { seq } = outcome.event
        this.#quarantine({ namespace: this.namespace, seq, key: eventKey(this.namespace, seq), reason: err.message })
      }
    }
    this.#seq += 1
  }

  #quarantine(record: Quarantined): void {
    this.#quarantined.push(record)
    this.#options.log?.warn({ quarantined: record }, 'memory event quarantined; the rest of the log loads')
  }

  async #maybeSnapshot(): Promise<void> {
    if (this.#seq - this.#snapshotSeq < this.#options.snapshotEvery) return
    const seq = this.#seq
    try {
      await this.#snapshots.save({ seq, quarantined: this.#quarantined, state: this.#fold.toJSON(this.#state) })
      this.#snapshotSeq = seq
    } catch (err) {
      this.#options.log?.warn({ namespace: this.namespace, seq, err }, 'memory snapshot not written; will retry')
      this.#snapshotSeq = seq // retry after another snapshotEvery events, not on every request
    }
  }

  #exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.#tail.then(fn, fn)
    this.#tail = run.catch(() => undefined)
    return run
  }
}
