import { randomUUID } from 'node:crypto'
import { InternalError, NotFound } from '@lakehouse/shared'
import { hashJson } from '@lakehouse/shared/canonical-json.ts'
import type { QueryResult, SqlRequest } from '@lakehouse/shared/clients/query.ts'
import { Review, type ReviewReason, type ReviewRequest } from '@lakehouse/shared/contracts/observer.ts'
import { evaluate, type Outcome } from './evaluate.ts'
import { CheckTimedOut, describeFailure, reasonOfFailure } from './failure.ts'

// Reviews (DESIGN §9, ADR-015): run a claim's SQL check through queryd, decide accept / reject /
// cycle, store the review create-only, and read it back. The guarantee: a review is accept only when
// a check ran and its value was compared; every error on the way, typed or not, is cycle + degraded.

/** queryd as the observer needs it (QueryClient in production). */
export interface CheckRunner {
  sql(request: SqlRequest & { format?: 'json' }): Promise<QueryResult>
}

/** catalogd's global generation (CatalogClient in production). */
export interface GenerationSource {
  generation(): Promise<number>
}

/** Create-only object storage (StorageClient in production). */
export interface ReviewStore {
  putIfAbsent(key: string, body: string): Promise<unknown>
  getBuffer(key: string): Promise<Buffer>
}

export interface ObserverOptions {
  query: CheckRunner
  catalog: GenerationSource
  store: ReviewStore
  checkTimeoutMs: number
  maxRows: number
  /** LH_OBSERVER_FAIL_OPEN: degraded cycle → accept, still degraded (development only). */
  failOpen?: boolean
  now?: () => Date
  newId?: () => string
  /** Told of every stored review (metrics, ADR-019). */
  onReview?: (review: Review) => void
}

const REVIEW_ID = /^rv-[0-9a-f-]{36}$/
// queryd answers its own 504 at the check's deadline; this margin only catches a runner that hangs.
const HANG_MARGIN_MS = 2_000

export function reviewKey(reviewId: string): string {
  return `observer/reviews/${reviewId}.json`
}

export class Observer {
  readonly #options: ObserverOptions

  constructor(options: ObserverOptions) {
    this.#options = options
  }

  /** Checks the claim and stores the review; throws only when the review cannot be stored. */
  async review(request: ReviewRequest): Promise<Review> {
    const { claim, check, context } = request
    const before = await this.#generation()
    const { outcome, degraded } =
      before === null ? blind('generation_unavailable') : await this.#decide(request, before)
    const failOpen = degraded && this.#options.failOpen === true
    const review: Review = {
      review_id: this.#options.newId?.() ?? `rv-${randomUUID()}`,
      verdict: failOpen ? 'accept' : outcome.verdict,
      degraded,
      reason: outcome.reason,
      detail: failOpen ? `fail_open: ${outcome.detail}` : outcome.detail,
      fail_open: failOpen,
      claim,
      check,
      evidence: { sql: check.sql, observed: outcome.observed, expected: expectedOf(check.expect) },
      generation: before,
      input_hash: hashJson({ claim, check, generation: before }),
      ...(context ? { context } : {}),
      created_at: (this.#options.now?.() ?? new Date()).toISOString(),
    }
    await this.#options.store.putIfAbsent(reviewKey(review.review_id), JSON.stringify(review))
    this.#options.onReview?.(review)
    return review
  }

  async get(reviewId: string): Promise<Review> {
    if (!REVIEW_ID.test(reviewId)) throw new NotFound(`no review ${reviewId}`)
    const bytes = await this.#options.store.getBuffer(reviewKey(reviewId))
    const parsed = Review.safeParse(JSON.parse(bytes.toString('utf8')))
    if (!parsed.success) throw new InternalError(`stored review ${reviewId} does not parse`)
    return parsed.data
  }

  async #decide(request: ReviewRequest, before: number): Promise<{ outcome: Outcome; degraded: boolean }> {
    let outcome: Outcome
    try {
      outcome = evaluate(await this.#runCheck(request), request.check.expect)
    } catch (err) {
      return blind(reasonOfFailure(err), describeFailure(err))
    }
    const after = await this.#generation()
    if (after === null) return blind('generation_unavailable')
    if (after !== before && outcome.verdict !== 'cycle') {
      const detail = `the catalog moved from generation ${before} to ${after} during the check`
      outcome = { ...outcome, verdict: 'cycle', reason: 'catalog_moved', detail }
    }
    return { outcome, degraded: false }
  }

  async #generation(): Promise<number | null> {
    try {
      return await this.#options.catalog.generation()
    } catch {
      return null
    }
  }

  async #runCheck({ check }: ReviewRequest): Promise<QueryResult> {
    const { checkTimeoutMs, maxRows } = this.#options
    let timer: NodeJS.Timeout | undefined
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CheckTimedOut(`no answer within ${checkTimeoutMs} ms`)),
        checkTimeoutMs + HANG_MARGIN_MS,
      )
    })
    try {
      const run = this.#options.query.sql({
        sql: check.sql,
        ...(check.params ? { params: check.params } : {}),
        max_rows: maxRows,
        timeout_ms: checkTimeoutMs,
        format: 'json',
      })
      return await Promise.race([run, hang])
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The observer could not look: cycle, degraded, and nothing observed. */
function blind(
  reason: ReviewReason,
  detail = 'the catalog generation could not be read',
): { outcome: Outcome; degraded: true } {
  return { outcome: { verdict: 'cycle', reason, detail, observed: null }, degraded: true }
}

function expectedOf(expect: ReviewRequest['check']['expect']): unknown {
  return expect.op === 'contains' ? { op: expect.op, values: expect.values } : { op: expect.op, value: expect.value }
}
