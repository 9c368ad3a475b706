import type { Readable } from 'node:stream'
import type { Config } from '../config/schema.ts'
import { ListPage, type ObjectInfo, PutResult, StorageIdentity } from '../contracts/storage.ts'
import { UpstreamProtocolError } from '../errors.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of storaged (DESIGN §5 "storage") that every other daemon uses. Keys are passed as
// they are and encoded segment by segment; conditional writes surface as PreconditionFailed (412),
// a missing object as NotFound (404), both from packages/shared/errors; an answer without an etag
// is storaged breaking its contract, 502 upstream_protocol_error, never a missing object.

export type { ListPage, ObjectInfo, PutResult } from '../contracts/storage.ts'

export type Body = string | Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>

export function objectPath(key: string): string {
  return `/v1/storage/objects/${key.split('/').map(encodeURIComponent).join('/')}`
}

export interface ListOptions {
  pageSize?: number
  /** List only the keys after this one. */
  after?: string
}

export class StorageClient extends PeerClient {
  put(key: string, body: Body, options: { contentLength?: number } = {}): Promise<PutResult> {
    return this.#put(key, body, {}, options.contentLength)
  }

  /** Create-only write: PreconditionFailed when the key exists. */
  putIfAbsent(key: string, body: Body, options: { contentLength?: number } = {}): Promise<PutResult> {
    return this.#put(key, body, { 'if-none-match': '*' }, options.contentLength)
  }

  /** Compare-and-swap: PreconditionFailed when the stored etag is not `etag`. */
  putIfMatch(key: string, body: Body, etag: string, options: { contentLength?: number } = {}): Promise<PutResult> {
    return this.#put(key, body, { 'if-match': etag }, options.contentLength)
  }

  /** The object as a stream; NotFound when absent. */
  async getStream(key: string): Promise<{ body: Readable; info: Omit<ObjectInfo, 'key'> & { content_type?: string } }> {
    const response = await this.http.request({ method: 'GET', path: objectPath(key) })
    return { body: response.body, info: infoFromHeaders(response.headers) }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const response = await this.http.request({ method: 'GET', path: objectPath(key) })
    return Buffer.from(await response.body.arrayBuffer())
  }

  /** Bytes [start, end] inclusive, as HTTP ranges are. */
  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    const response = await this.http.request({
      method: 'GET',
      path: objectPath(key),
      headers: { range: `bytes=${start}-${end}` },
    })
    return Buffer.from(await response.body.arrayBuffer())
  }

  /** Metadata, or undefined when the object does not exist. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    const response = await this.http.request({ method: 'HEAD', path: objectPath(key), passStatuses: [404] })
    await response.body.dump()
    if (response.statusCode === 404) return undefined
    return { key, ...infoFromHeaders(response.headers) }
  }

  /** Which backend storaged runs, and the fs backend's folder id (ADR-034). */
  async identity(): Promise<StorageIdentity> {
    return this.parsed(StorageIdentity, { method: 'GET', path: '/v1/storage/identity' })
  }

  /** Idempotent: deleting an absent key succeeds. */
  async delete(key: string): Promise<void> {
    const response = await this.http.request({ method: 'DELETE', path: objectPath(key) })
    await response.body.dump()
  }

  listPage(prefix: string, cursor?: string, limit?: number): Promise<ListPage> {
    return this.parsed(ListPage, { method: 'GET', path: '/v1/storage/objects', query: { prefix, cursor, limit } })
  }

  /**
   * Every object under `prefix`, in key order, page after page; with `after`, only the keys after
   * that one (storage's cursor is the last key listed).
   */
  async *list(prefix: string, options: ListOptions = {}): AsyncGenerator<ObjectInfo> {
    const pageSize = options.pageSize ?? 1000
    let cursor = options.after
    do {
      const page = await this.listPage(prefix, cursor, pageSize)
      yield* page.objects
      cursor = page.next_cursor ?? undefined
    } while (cursor)
  }

  async #put(key: string, body: Body, headers: Record<string, string>, contentLength?: number): Promise<PutResult> {
    const all: Record<string, string> = { 'content-type': 'application/octet-stream', ...headers }
    if (contentLength !== undefined) all['content-length'] = String(contentLength)
    return this.parsed(PutResult, { method: 'PUT', path: objectPath(key), headers: all, body })
  }
}

function infoFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): Omit<ObjectInfo, 'key'> & { content_type?: string } {
  const one = (name: string) => {
    const value = headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const etag = one('etag')
  if (!etag) throw new UpstreamProtocolError('storaged answered without an etag')
  return {
    size: Number(one('content-length') ?? 0),
    etag,
    last_modified: new Date(one('last-modified') ?? 0).toISOString(),
    ...(one('content-type') ? { content_type: one('content-type') as string } : {}),
  }
}

export function storageClient(config: Config): StorageClient {
  return new StorageClient(serviceClient(config, 'storaged'))
}
