import { createHash } from 'node:crypto'
import { setImmediate as tick } from 'node:timers/promises'
import { NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { ObjectInfo, PutResult } from '@lakehouse/shared/clients/storage.ts'
import type { CatalogStorage } from '../src/storage-port.ts'

// Unit-level stand-in for storaged with the same contract (create-only writes throw
// PreconditionFailed, reads of absent keys NotFound). Every call yields to the event loop first,
// so concurrent commits interleave the way they do over HTTP. Route and protocol tests that claim
// real behaviour run against a real storaged (see integration tests).

interface Stored {
  body: Buffer
  etag: string
  lastModified: Date
}

export class MemoryStorage implements CatalogStorage {
  readonly objects = new Map<string, Stored>()
  /** Calls by method, so a test can see what a code path costs. */
  readonly calls: Record<string, number> = {}
  /** Runs before each create-only write, e.g. to let a rival commit win the race just then. */
  beforePutIfAbsent: ((key: string) => Promise<void>) | undefined

  async putIfAbsent(key: string, body: unknown): Promise<PutResult> {
    await this.#enter('putIfAbsent')
    await this.beforePutIfAbsent?.(key)
    if (this.objects.has(key)) throw new PreconditionFailed(`${key} exists`)
    return this.seed(key, body as string | Buffer)
  }

  async getBuffer(key: string): Promise<Buffer> {
    await this.#enter('getBuffer')
    const stored = this.objects.get(key)
    if (!stored) throw new NotFound(`${key} not found`)
    return stored.body
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

  async *list(prefix: string): AsyncGenerator<ObjectInfo> {
    await this.#enter('list')
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()
    for (const key of keys) {
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

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()
  }

  async #enter(method: string): Promise<void> {
    this.calls[method] = (this.calls[method] ?? 0) + 1
    await tick()
  }

  #info(key: string, stored: Stored): ObjectInfo {
    return { key, size: stored.body.length, etag: stored.etag, last_modified: stored.lastModified.toISOString() }
  }
}
