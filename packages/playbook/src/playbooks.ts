import { randomUUID } from 'node:crypto'
import {
  canonicalJson,
  type Decision,
  type EmbedPort,
  FoldedLog,
  type LogStorage,
  type MemoryLog,
  sha256Hex,
} from '@lakehouse/pathway'
import { NAMESPACE_PATTERN } from '@lakehouse/shared/contracts/memory.ts'
import type { Review } from '@lakehouse/shared/contracts/observer.ts'
import type {
  Playbook,
  SealAnswer,
  SealPlaybookRequest,
  SearchPlaybooksAnswer,
  SearchPlaybooksRequest,
} from '@lakehouse/shared/contracts/playbooks.ts'
import { Conflict, InvalidName, NotFound, ReviewNotAccepted } from '@lakehouse/shared/errors.ts'
import { type PlaybookState, playbookFold, type SealData } from './playbook-fold.ts'
import { PlaybookIndex, type PlaybookVectorPort } from './playbook-index.ts'

// Playbook memory (DESIGN §9, ADR-015): a playbook is sealed only on a review that accepted without
// degradation, as one SEAL event of the namespace's memory log (the pathway log, ADR-004), and is
// immutable from then on. Search finds sealed ones by task similarity; retire hides one for good.

/** Stored reviews, as the observer answers them (Observer.get in production). */
export interface ReviewSource {
  get(reviewId: string): Promise<Review>
}

export interface PlaybookDeps {
  storage: LogStorage
  reviews: ReviewSource
  embed: EmbedPort
  vectors: PlaybookVectorPort
  log?: MemoryLog
  now?: () => string
  newId?: () => string
  snapshotEvery?: number
  maxAppendAttempts?: number
  embedModel?: string
}

export function hashOf(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`
}

export class Playbooks {
  readonly #deps: PlaybookDeps
  readonly #index: PlaybookIndex
  readonly #logs = new Map<string, Promise<FoldedLog<PlaybookState>>>()

  constructor(deps: PlaybookDeps) {
    this.#deps = deps
    this.#index = new PlaybookIndex(deps.embed, deps.vectors, {
      ...(deps.embedModel ? { model: deps.embedModel } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    })
  }

  async seal(request: SealPlaybookRequest): Promise<SealAnswer> {
    const review = await this.#deps.reviews.get(request.review_id)
    if (review.verdict !== 'accept' || review.degraded) {
      throw new ReviewNotAccepted(
        `review ${review.review_id} is ${review.verdict}${review.degraded ? ' (degraded)' : ''}: only an accepted, non-degraded review seals a playbook`,
      )
    }
    const outputs = request.outputs ?? null
    const data: SealData = {
      playbook_id: this.#deps.newId?.() ?? `pb_${randomUUID().replaceAll('-', '')}`,
      namespace: request.namespace,
      task: request.task,
      steps: request.steps,
      outputs,
      tags: request.tags ?? [],
      review_id: review.review_id,
      verdict: 'accept',
      input_hash: hashOf({ task: request.task, steps: request.steps, review_input_hash: review.input_hash }),
      output_hash: hashOf({ outputs }),
      sealed_at: (this.#deps.now ?? (() => new Date().toISOString()))(),
    }
    const log = await this.#open(request.namespace)
    const playbook = await log.commit((state) => decideSeal(state, data))
    await this.#index.reflect(request.namespace, [playbook.playbook_id], () => log.state)
    const { playbook_id, input_hash, output_hash, verdict, receipt } = playbook
    return { playbook_id, input_hash, output_hash, verdict, receipt }
  }

  async get(namespace: string, id: string): Promise<Playbook> {
    return (await this.#open(namespace)).read((state) => found(state, id))
  }

  async retire(namespace: string, id: string, reason: string): Promise<Playbook> {
    const log = await this.#open(namespace)
    const playbook = await log.commit((state): Decision<PlaybookState, Playbook> => {
      const current = found(state, id)
      if (current.status === 'retired') return { draft: null, answer: () => current }
      return { draft: { type: 'RETIRE', data: { playbook_id: id, reason } }, answer: (s) => found(s, id) }
    })
    await this.#index.reflect(namespace, [id], () => log.state)
    return playbook
  }

  async search(request: SearchPlaybooksRequest): Promise<SearchPlaybooksAnswer> {
    const log = await this.#open(request.namespace)
    await log.read(() => undefined) // fold what other processes appended first
    return this.#index.search(request.namespace, request.task, request.k, () => log.state)
  }

  #open(namespace: string): Promise<FoldedLog<PlaybookState>> {
    if (!NAMESPACE_PATTERN.test(namespace)) throw new InvalidName(`namespace ${JSON.stringify(namespace)} is not valid`)
    let opening = this.#logs.get(namespace)
    if (!opening) {
      const { storage, log } = this.#deps
      opening = FoldedLog.open(storage, namespace, playbookFold, {
        snapshotEvery: this.#deps.snapshotEvery ?? 100,
        maxAppendAttempts: this.#deps.maxAppendAttempts ?? 64,
        now: this.#deps.now ?? (() => new Date().toISOString()),
        ...(log ? { log } : {}),
      })
      this.#logs.set(namespace, opening)
      opening.catch(() => this.#logs.delete(namespace))
    }
    return opening
  }
}

/** One review seals one playbook: the same seal again answers the first; different work is 409. */
function decideSeal(state: PlaybookState, data: SealData): Decision<PlaybookState, Playbook> {
  const existingId = state.byReview.get(data.review_id)
  const existing = existingId ? state.playbooks.get(existingId) : undefined
  if (existing) {
    if (existing.input_hash === data.input_hash && existing.output_hash === data.output_hash) {
      return { draft: null, answer: () => existing }
    }
    throw new Conflict(`review ${data.review_id} sealed ${existing.playbook_id} already, with other steps or outputs`)
  }
  return { draft: { type: 'SEAL', data }, answer: (s) => found(s, data.playbook_id) }
}

function found(state: PlaybookState, id: string): Playbook {
  const playbook = state.playbooks.get(id)
  if (!playbook) throw new NotFound(`no playbook ${id} in namespace ${state.namespace}`)
  return playbook
}
