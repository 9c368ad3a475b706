import type { Readable } from 'node:stream'

// The contract every storage backend (fs, s3) fulfils, so the routes and the shared test suite
// never know which one they talk to. Keys reaching a backend have passed assertValidKey.

export interface ObjectInfo {
  key: string
  size: number
  /** Quoted, as in the ETag header. */
  etag: string
  lastModified: Date
}

/** `If-None-Match: *` (create only) or `If-Match: <etag>` (compare-and-swap), never both. */
export type PutCondition = { kind: 'none' } | { kind: 'absent' } | { kind: 'match'; etag: string }

/** Inclusive byte range resolved against the object's size, as HTTP ranges are. */
export interface ByteRange {
  start: number
  end: number
}

/** A parsed `Range: bytes=` header, not yet resolved against a size. */
export type RangeSpec = { start: number; end?: number } | { suffix: number }

export interface ObjectRead {
  info: ObjectInfo
  body: Readable
  /** Set when a range was asked for and served. */
  range?: ByteRange
}

export interface ListResult {
  objects: ObjectInfo[]
  nextCursor: string | null
}

export interface ObjectBackend {
  readonly kind: 'fs' | 's3'
  /** The fs backend's folder id (FOLDER_ID_FILE, ADR-034); undefined for s3. */
  readonly folderId?: string
  /** Streams `body` into `key`; rejects with PayloadTooLarge past `maxBytes`, nothing stored then. */
  put(key: string, body: Readable, condition: PutCondition, maxBytes: number): Promise<ObjectInfo>
  /** NotFound when absent; RangeNotSatisfiable when the range starts past the end. */
  get(key: string, range?: RangeSpec): Promise<ObjectRead>
  /** NotFound when absent. */
  head(key: string): Promise<ObjectInfo>
  /** Succeeds when the key is absent too. */
  delete(key: string): Promise<void>
  /** Keys starting with `prefix`, after `cursor`, in UTF-8 byte order, at most `limit`. */
  list(prefix: string, cursor: string | undefined, limit: number): Promise<ListResult>
  /** Readiness: throws when the backend cannot serve. */
  check(): Promise<void>
  close(): Promise<void>
}
