import type { Readable } from 'node:stream'
import type { CommitRequest, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import type { PutResult } from '@lakehouse/shared/contracts/storage.ts'

// What the ingest domain needs from storaged and catalogd. StorageClient and CatalogClient satisfy
// these as they are; naming the narrow shape keeps the domain testable and its reach visible.

export interface ObjectStore {
  put(key: string, body: Buffer | string, options?: { contentLength?: number }): Promise<PutResult>
  putIfAbsent(key: string, body: Buffer | string | Readable, options?: { contentLength?: number }): Promise<PutResult>
  getBuffer(key: string): Promise<Buffer>
  delete(key: string): Promise<void>
}

export interface Catalog {
  getManifest(name: string, version?: number): Promise<Manifest>
  commit(name: string, request: CommitRequest): Promise<Manifest>
}
