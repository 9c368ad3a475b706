import { canonicalJson, sha256Hex } from '@lakehouse/shared/canonical-json.ts'
import { NotFound, PreconditionFailed } from '@lakehouse/shared/errors.ts'
import { type LogStorage, namespacePrefix, type Quarantined } from './event-log.ts'

// Snapshots of one fold of a namespace's log (ADR-004): `memory/<ns>/snap/<kind>/<seq:12>.json`
// written create-only, and `memory/<ns>/snap/<kind>/CURRENT` moved forward with If-Match (never
// backward). They only save a start-up the replay of old events; the log stays the truth, so a
// snapshot that fails its checksum is ignored and the log is folded from the start.

const FORMAT = 'lh-memory-snapshot-1'

export interface SnapshotContent {
  seq: number
  quarantined: Quarantined[]
  state: unknown
}

export class SnapshotStore {
  readonly #storage: LogStorage
  readonly #namespace: string
  readonly #kind: string

  constructor(storage: LogStorage, namespace: string, kind: string) {
    this.#storage = storage
    this.#namespace = namespace
    this.#kind = kind
  }

  get currentKey(): string {
    return `${namespacePrefix(this.#namespace)}/snap/${this.#kind}/CURRENT`
  }

  snapshotKey(seq: number): string {
    return `${namespacePrefix(this.#namespace)}/snap/${this.#kind}/${String(seq).padStart(12, '0')}.json`
  }

  /** The snapshot CURRENT points at; undefined when there is none; throws when it is unusable. */
  async load(): Promise<SnapshotContent | undefined> {
    const current = await this.#readCurrent()
    if (!current) return undefined
    const parsed = JSON.parse((await this.#storage.getBuffer(current.snapshot)).toString('utf8')) as Record<
      string,
      unknown
    >
    const { sha256, ...body } = parsed
    if (sha256Hex(canonicalJson(body)) !== sha256) throw new Error(`${current.snapshot}: sha256 does not match`)
    if (body.format !== FORMAT || body.kind !== this.#kind || body.namespace !== this.#namespace) {
      throw new Error(`${current.snapshot}: not a ${this.#kind} snapshot of ${this.#namespace}`)
    }
    return { seq: body.seq as number, quarantined: body.quarantined as Quarantined[], state: body.state }
  }

  /** Writes the snapshot and moves CURRENT to it unless CURRENT already points at seq or later. */
  async save(content: SnapshotContent): Promise<void> {
    const key = this.snapshotKey(content.seq)
    const body = { format: FORMAT, kind: this.#kind, namespace: this.#namespace, ...content }
    try {
      await this.#storage.putIfAbsent(key, JSON.stringify({ ...body, sha256: sha256Hex(canonicalJson(body)) }))
    } catch (err) {
      // Another process snapshotted the same seq: the fold is deterministic, so it holds the same state.
      if (!(err instanceof PreconditionFailed)) throw err
    }
    const pointer = JSON.stringify({ snapshot: key, seq: content.seq })
    const head = await this.#storage.head(this.currentKey)
    try {
      if (!head) {
        await this.#storage.putIfAbsent(this.currentKey, pointer)
        return
      }
      const current = await this.#readCurrent()
      if (current && current.seq >= content.seq) return
      await this.#storage.putIfMatch(this.currentKey, pointer, head.etag)
    } catch (err) {
      // Someone moved CURRENT meanwhile; theirs is as good (or newer). Never move it backward.
      if (!(err instanceof PreconditionFailed)) throw err
    }
  }

  async #readCurrent(): Promise<{ snapshot: string; seq: number } | undefined> {
    try {
      const current = JSON.parse((await this.#storage.getBuffer(this.currentKey)).toString('utf8'))
      if (typeof current?.snapshot !== 'string' || !Number.isSafeInteger(current?.seq)) {
        throw new Error(`${this.currentKey} is not a snapshot pointer`)
      }
      return current
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
  }
}
