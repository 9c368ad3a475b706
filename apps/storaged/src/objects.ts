import type { Readable } from 'node:stream'
import { InvalidRequest, PayloadTooLarge } from '@lakehouse/shared'
import type { ListPage, PutResult, ObjectInfo as WireObjectInfo } from '@lakehouse/shared/contracts/storage.ts'
import type { ObjectBackend, ObjectInfo, ObjectRead, PutCondition } from './backend.ts'
import { assertValidKey, assertValidPrefix, keyFromUrl } from './key.ts'
import { parseRange } from './range.ts'

// storaged's domain: what a request means once its schema passed. Keys come from the raw URL and
// are judged here, once; then the backend does the work. Nothing here knows Fastify.

export interface PutRequest {
  url: string
  body: Readable
  contentLength: string | undefined
  ifNoneMatch: string | undefined
  ifMatch: string | undefined
}

export function conditionFrom(ifNoneMatch: string | undefined, ifMatch: string | undefined): PutCondition {
  if (ifNoneMatch && ifMatch) throw new InvalidRequest('send If-None-Match or If-Match, not both')
  if (ifNoneMatch) return { kind: 'absent' }
  if (ifMatch) return { kind: 'match', etag: ifMatch }
  return { kind: 'none' }
}

export function objectJson(info: ObjectInfo): WireObjectInfo {
  return { key: info.key, size: info.size, etag: info.etag, last_modified: info.lastModified.toISOString() }
}

/** Status and headers of a GET or HEAD answer. */
export function readHeaders(info: ObjectInfo, read?: ObjectRead): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {
    etag: info.etag,
    'last-modified': info.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
    'content-length': String(info.size),
  }
  const range = read?.range
  if (!range) return { status: 200, headers }
  headers['content-length'] = String(range.end - range.start + 1)
  headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`
  return { status: 206, headers }
}

/** Told of object bytes stored and served (metrics, ADR-019). */
export interface ObjectEvents {
  onStored: (bytes: number) => void
  /** Counted when the answer starts: the bytes the body will carry (a range's length for a 206). */
  onServed: (bytes: number) => void
}

export class ObjectService {
  readonly backend: ObjectBackend
  readonly maxBytes: number
  readonly #events: ObjectEvents | undefined

  constructor(backend: ObjectBackend, maxBytes: number, events?: ObjectEvents) {
    this.backend = backend
    this.maxBytes = maxBytes
    this.#events = events
  }

  async put(request: PutRequest): Promise<PutResult> {
    const key = keyFromUrl(request.url)
    const condition = conditionFrom(request.ifNoneMatch, request.ifMatch)
    // Refuse a declared oversize body before reading a byte of it; undeclared ones are counted.
    if (request.contentLength !== undefined && Number(request.contentLength) > this.maxBytes) {
      throw new PayloadTooLarge(`object is larger than the ${this.maxBytes}-byte cap`)
    }
    const info = await this.backend.put(key, request.body, condition, this.maxBytes)
    this.#events?.onStored(info.size)
    return { key: info.key, etag: info.etag, size: info.size }
  }

  async get(url: string, range: string | undefined): Promise<ObjectRead> {
    const read = await this.backend.get(keyFromUrl(url), parseRange(range))
    this.#events?.onServed(read.range ? read.range.end - read.range.start + 1 : read.info.size)
    return read
  }

  head(url: string): Promise<ObjectInfo> {
    return this.backend.head(keyFromUrl(url))
  }

  delete(url: string): Promise<void> {
    return this.backend.delete(keyFromUrl(url))
  }

  async list(prefix: string, cursor: string | undefined, limit: number): Promise<ListPage> {
    assertValidPrefix(prefix)
    if (cursor !== undefined) assertValidKey(cursor)
    const page = await this.backend.list(prefix, cursor, limit)
    return { objects: page.objects.map(objectJson), next_cursor: page.nextCursor }
  }
}
