import { canonicalJson, sha256Hex } from '@lakehouse/shared/canonical-json.ts'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { NotFound, PreconditionFailed } from '@lakehouse/shared/errors.ts'

// One namespace's event log in object storage (ADR-004): `memory/<namespace>/events/<seq:12>.json`,
// seq dense from 1, each object written create-only and carrying the sha256 of its canonical JSON.
// Whoever wins the create-only PUT of seq n owns it; a loser re-reads and tries n+1. An object that
// does not parse or fails its checksum is reported as quarantined, never thrown: the rest loads.

/** What the log needs of storaged; the StorageClient in production, an in-memory fake in tests. */
export type LogStorage = Pick<StorageClient, 'putIfAbsent' | 'putIfMatch' | 'getBuffer' | 'head' | 'listPage'>

export interface EventDraft<D = unknown> {
  /** Whose event: `trace` (pathway) or `playbook`; each fold ignores the kinds it does not own. */
  kind: string
  type: string
  data: D
}

export interface StoredEvent<D = unknown> extends EventDraft<D> {
  seq: number
  at: string
  sha256: string
}

export interface Quarantined {
  namespace: string
  seq: number
  key: string
  reason: string
}

export type ReadOutcome = { event: StoredEvent } | { quarantined: Quarantined }

const SEQ_DIGITS = 12

export function namespacePrefix(namespace: string): string {
  return `memory/${namespace}`
}

export function eventKey(namespace: string, seq: number): string {
  return `${namespacePrefix(namespace)}/events/${String(seq).padStart(SEQ_DIGITS, '0')}.json`
}

/** The stored bytes of an event: its fields in a fixed order, sha256 over the canonical JSON of the rest. */
export function encodeEvent(seq: number, draft: EventDraft, at: string): { event: StoredEvent; bytes: string } {
  const body = { seq, kind: draft.kind, type: draft.type, at, data: draft.data }
  const event: StoredEvent = { ...body, sha256: sha256Hex(canonicalJson(body)) }
  return { event, bytes: `${JSON.stringify(event)}\n` }
}

export function decodeEvent(namespace: string, seq: number, bytes: Buffer): ReadOutcome {
  const key = eventKey(namespace, seq)
  const quarantine = (reason: string): ReadOutcome => ({ quarantined: { namespace, seq, key, reason } })
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch {
    return quarantine('does not parse as JSON')
  }
  if (!isEventShape(parsed)) return quarantine('not an event: needs seq, kind, type, at, data, sha256')
  const { sha256, ...body } = parsed
  if (sha256Hex(canonicalJson(body)) !== sha256) return quarantine('sha256 does not match the content')
  if (parsed.seq !== seq) return quarantine(`says seq ${parsed.seq} under the key of seq ${seq}`)
  return { event: parsed }
}

function isEventShape(value: unknown): value is StoredEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const v = value as Record<string, unknown>
  return (
    Number.isSafeInteger(v.seq) &&
    typeof v.kind === 'string' &&
    typeof v.type === 'string' &&
    typeof v.at === 'string' &&
    'data' in v &&
    typeof v.sha256 === 'string'
  )
}

export class EventLog {
  readonly namespace: string
  readonly #storage: LogStorage

  constructor(storage: LogStorage, namespace: string) {
    this.#storage = storage
    this.namespace = namespace
  }

  /** The event at seq, its quarantine record, or undefined when nothing is stored there yet. */
  async read(seq: number): Promise<ReadOutcome | undefined> {
    let bytes: Buffer
    try {
      bytes = await this.#storage.getBuffer(eventKey(this.namespace, seq))
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
    return decodeEvent(this.namespace, seq, bytes)
  }

  /** Create-only write of seq; undefined when another writer holds that seq already. */
  async tryAppend(seq: number, draft: EventDraft, at: string): Promise<StoredEvent | undefined> {
    const { event, bytes } = encodeEvent(seq, draft, at)
    try {
      await this.#storage.putIfAbsent(eventKey(this.namespace, seq), bytes)
      return event
    } catch (err) {
      if (err instanceof PreconditionFailed) return undefined
      throw err
    }
  }

  /**
   * Seqs stored above `after`, in order (the start-up path). The listing starts after the key of
   * `after` (storaged's cursor is the key to list after), so a snapshot spares the listing too.
   */
  async listSeqsAfter(after: number): Promise<number[]> {
    const prefix = `${namespacePrefix(this.namespace)}/events/`
    const seqs: number[] = []
    let cursor: string | undefined = after > 0 ? eventKey(this.namespace, after) : undefined
    do {
      const page = await this.#storage.listPage(prefix, cursor, 1000)
      for (const object of page.objects) {
        const match = /^(\d{12})\.json$/.exec(object.key.slice(prefix.length))
        const seq = match ? Number(match[1]) : 0
        if (seq > after) seqs.push(seq)
      }
      cursor = page.next_cursor ?? undefined
    } while (cursor)
    return seqs.sort((a, b) => a - b)
  }
}
