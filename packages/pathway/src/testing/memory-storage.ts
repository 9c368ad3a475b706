import { createHash } from 'node:crypto'
import { setImmediate as tick } from 'node:timers/promises'
import type { ListPage, ObjectInfo, PutResult } from '@lakehouse/shared/clients/storage.ts'
import { NotFound, PreconditionFailed } from '@lakehouse/shared/errors.ts'
import type { LogStorage } from '../index.ts'

// Tests only (never used by a daemon at run time). In-memory stand-in for storaged with its contract: create-only and If-Match writes throw
// PreconditionFailed, reads of absent keys NotFound, listings in key order. Every call yields to
// the event loop first, so two writers interleave the way they do over HTTP.

export class MemoryStorage implements LogStorage {
  readonly objects = new Map<string, { body: Buffer; etag: string }>()
  /** Runs before each create-only write: lets a test slip a rival's write in just then. */
  beforePutIfAbsent: ((key: string) => Promise<void>) | undefined

  async putIfAbsent(key: string, body: unknown): Promise<PutResult> {
    await tick()
    await this.beforePutIfAbsent?.(key)
    if (this.objects.has(key)) throw new PreconditionFailed(`${key} exists`)
    return this.seed(key, body as string)
  }

  async putIfMatch(key: string, body: unknown, etag: string): Promise<PutResult> {
    await tick()
    if (this.objects.get(key)?.etag !== etag) throw new PreconditionFailed(`${key} etag differs`)
    return this.seed(key, body as string)
  }

  async getBuffer(key: string): Promise<Buffer> {
    await tick()
    const stored = this.objects.get(key)
    if (!stored) throw new NotFound(`${key} not found`)
    return stored.body
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    await tick()
    const stored = this.objects.get(key)
    return stored && { key, size: stored.body.length, etag: stored.etag, last_modified: new Date(0).toISOString() }
  }

  /** storaged's listing: keys under prefix after `cursor` (a key), `limit` at a time. */
  async listPage(prefix: string, cursor?: string, limit = 1000): Promise<ListPage> {
    await tick()
    const keys = this.keys(prefix).filter((k) => cursor === undefined || k > cursor)
    const page = keys.slice(0, limit)
    const objects = page.map((key) => {
      const stored = this.objects.get(key) as { body: Buffer; etag: string }
      return { key, size: stored.body.length, etag: stored.etag, last_modified: new Date(0).toISOString() }
    })
    return { objects, next_cursor: keys.length > limit ? (page.at(-1) ?? null) : null }
  }

  /** Writes an object directly, as a buggy or hostile writer (or a disk fault) would. */
  seed(key: string, body: string | Buffer): PutResult {
    const bytes = Buffer.from(body)
    const etag = `"${createHash('sha256').update(bytes).digest('hex')}"`
    this.objects.set(key, { body: bytes, etag })
    return { key, etag, size: bytes.length }
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()
  }

  text(key: string): string {
    return this.objects.get(key)?.body.toString('utf8') ?? ''
  }
}
