import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { setImmediate as tick } from 'node:timers/promises'
import type { ListOptions, ObjectInfo, PutResult } from '../clients/storage.ts'
import { NotFound, PreconditionFailed } from '../errors.ts'

// Tests only: the one in-process stand-in for storaged, with its client's contract (create-only
// writes throw PreconditionFailed, reads of absent keys NotFound, head of an absent key undefined,
// delete of an absent key succeeds, list in key order). Every call yields to the event loop first,
// so concurrent callers interleave the way they do over HTTP. Tests that claim real behaviour run
// against a real storaged (testing/stack.ts).

export interface StoredObject {
  body: Buffer
  etag: string
  lastModified: Date
}

type Body = string | Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>

export class MemoryStorage {
  /** A peer like the real client: named for /ready, always healthy, nothing to close. */
  readonly service = 'storaged'
  async health(): Promise<string> {
    return 'storaged ok'
  }
  async close(): Promise<void> {}

  readonly objects = new Map<string, StoredObject>()
  /** Calls by method, so a test can see what a code path costs. */
  readonly calls: Record<string, number> = {}
  /** Runs before each create-only write, e.g. to let a rival commit win the race just then. */
  beforePutIfAbsent: ((key: string) => Promise<void>) | undefined

  async put(key: string, body: Body): Promise<PutResult> {
    await this.#enter('put')
    return this.seed(key, await bytesOf(body))
  }

  async putIfAbsent(key: string, body: Body): Promise<PutResult> {
    await this.#enter('putIfAbsent')
    const bytes = await bytesOf(body)
    await this.beforePutIfAbsent?.(key)
    if (this.objects.has(key)) throw new PreconditionFailed(`${key} exists`)
    return this.seed(key, bytes)
  }

  async getBuffer(key: string): Promise<Buffer> {
    await this.#enter('getBuffer')
    const stored = this.objects.get(key)
    if (!stored) throw new NotFound(`${key} not found`)
    return stored.body
  }

  async getStream(key: string): Promise<{ body: Readable; info: Omit<ObjectInfo, 'key'> }> {
    await this.#enter('getStream')
    const stored = this.objects.get(key)
    if (!stored) throw new NotFound(`${key} not found`)
    const { key: _, ...info } = this.#info(key, stored)
    return { body: Readable.from([stored.body]), info }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    await this.#enter('head')
    const stored = this.objects.get(key)
    return stored && this.#info(key, stored)
  }

  async delete(key: string): Promise<void> {
    await this.#enter('delete')
    this.objects.delete(key)
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncGenerator<ObjectInfo> {
    await this.#enter('list')
    const { after } = options
    for (const key of this.keys(prefix)) {
      if (after !== undefined && key <= after) continue
      const stored = this.objects.get(key)
      if (stored) yield this.#info(key, stored)
    }
  }

  /** Writes an object directly (no race checks), e.g. a data file an ingest would have uploaded. */
  seed(key: string, body: string | Buffer, lastModified = new Date()): PutResult {
    const bytes = Buffer.from(body)
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`
    this.objects.set(key, { body: bytes, etag, lastModified })
    return { key, etag, size: bytes.length }
  }

  /** The bytes stored at `key`, or undefined. */
  bytes(key: string): Buffer | undefined {
    return this.objects.get(key)?.body
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()
  }

  async #enter(method: string): Promise<void> {
    this.calls[method] = (this.calls[method] ?? 0) + 1
    await tick()
  }

  #info(key: string, stored: StoredObject): ObjectInfo {
    return { key, size: stored.body.length, etag: stored.etag, last_modified: stored.lastModified.toISOString() }
  }
}

async function bytesOf(body: Body): Promise<Buffer> {
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body)
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}
