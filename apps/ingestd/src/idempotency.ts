import { createHash } from 'node:crypto'
import { IdempotencyKeyReused, InvalidRequest, PreconditionFailed } from '@lakehouse/shared'
import type { IngestAnswer } from '@lakehouse/shared/contracts/ingest.ts'
import type { ObjectStore } from './ports.ts'

// Idempotency-Key (ADR-006). The first request with a key claims it with a create-only record in
// storage, ingest/idempotency/<sha256(key)>.json, holding the request's fingerprint (dataset, format,
// mode, CSV options and the SHA-256 of the body). A later request with the key and another
// fingerprint is 409 idempotency_key_reused; one with the same fingerprint gets the recorded answer,
// or, when the first attempt died before recording it, goes on: its commit carries the same
// idempotency_key, so catalogd returns the first commit instead of making a second one.

const KEY = /^[\x21-\x7e]{1,255}$/

export interface RequestFingerprint {
  dataset: string
  format: string
  mode: string
  csv: unknown
  bodySha256: string
}

interface LedgerRecord {
  fingerprint: string
  dataset: string
  claimed_at: string
  answer?: IngestAnswer
}

export function assertIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !KEY.test(key)) {
    throw new InvalidRequest('Idempotency-Key must be 1-255 visible ASCII characters', {
      issues: [{ path: 'headers.idempotency-key', message: '1-255 visible ASCII characters' }],
    })
  }
}

export function fingerprintOf(request: RequestFingerprint): string {
  const canonical = JSON.stringify([
    request.dataset,
    request.format,
    request.mode,
    request.csv ?? {},
    request.bodySha256,
  ])
  return createHash('sha256').update(canonical).digest('hex')
}

/** The idempotency_key stored in the catalog commit: the same for a retry, new for any other request. */
export function commitKeyOf(key: string, fingerprint: string): string {
  return `ingest:${sha256(key).slice(0, 32)}:${fingerprint.slice(0, 32)}`
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
const recordKey = (key: string) => `ingest/idempotency/${sha256(key)}.json`

export class IdempotencyLedger {
  readonly #store: ObjectStore

  constructor(store: ObjectStore) {
    this.#store = store
  }

  /**
   * Claims the key. A retry (the key was claimed before by the same request) gets the earlier
   * answer when the first attempt recorded one; otherwise the first attempt may or may not have
   * committed, and only the catalog's idempotency key can tell.
   */
  async claim(
    key: string,
    fingerprint: string,
    dataset: string,
  ): Promise<{ isRetry: boolean; earlier?: IngestAnswer }> {
    const record: LedgerRecord = { fingerprint, dataset, claimed_at: new Date().toISOString() }
    try {
      await this.#store.putIfAbsent(recordKey(key), JSON.stringify(record))
      return { isRetry: false }
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
    const earlier = JSON.parse((await this.#store.getBuffer(recordKey(key))).toString('utf8')) as LedgerRecord
    if (earlier.fingerprint !== fingerprint) {
      throw new IdempotencyKeyReused(
        `Idempotency-Key was first used on ${earlier.claimed_at} for another request (a different body, dataset, format or mode)`,
      )
    }
    return earlier.answer ? { isRetry: true, earlier: earlier.answer } : { isRetry: true }
  }

  /** Stores the answer so that a retry is answered without converting again. */
  async record(key: string, fingerprint: string, answer: IngestAnswer): Promise<void> {
    const record: LedgerRecord = { fingerprint, dataset: answer.dataset, claimed_at: new Date().toISOString(), answer }
    await this.#store.put(recordKey(key), JSON.stringify(record))
  }
}
