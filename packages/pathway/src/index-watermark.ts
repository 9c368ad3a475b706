import { PreconditionFailed } from '@lakehouse/shared/errors.ts'
import { type LogStorage, namespacePrefix } from './log/event-log.ts'

// The index watermark of a namespace (ADR-004): `memory/<ns>/index/trace.json` = {seq}, meaning
// every trace event up to seq is reflected in the vector index. Only a process that has just
// reflected every trace touched after the old watermark moves it, and only forward (If-Match), so
// a writer that died between its append and its index write is healed by the next start-up.

export class IndexWatermark {
  readonly key: string
  readonly #storage: LogStorage

  constructor(storage: LogStorage, namespace: string) {
    this.#storage = storage
    this.key = `${namespacePrefix(namespace)}/index/trace.json`
  }

  /** The watermark (0 when absent) and the etag to move it from. */
  async read(): Promise<{ seq: number; etag: string | undefined }> {
    const head = await this.#storage.head(this.key)
    if (!head) return { seq: 0, etag: undefined }
    const parsed = JSON.parse((await this.#storage.getBuffer(this.key)).toString('utf8')) as { seq?: unknown }
    // An unreadable watermark counts as 0: everything is reflected again, which is only slower.
    return { seq: Number.isSafeInteger(parsed.seq) ? (parsed.seq as number) : 0, etag: head.etag }
  }

  /** Moves it to seq from the state read with `etag`; a rival that moved it first wins. */
  async advance(seq: number, etag: string | undefined): Promise<void> {
    const body = JSON.stringify({ seq })
    try {
      if (etag === undefined) await this.#storage.putIfAbsent(this.key, body)
      else await this.#storage.putIfMatch(this.key, body, etag)
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
  }
}
