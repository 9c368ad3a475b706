import type { Readable } from 'node:stream'
import type { CommitRequest, DataFile, Manifest, SchemaField } from '@lakehouse/shared/clients/catalog.ts'
import type { PutResult } from '@lakehouse/shared/clients/storage.ts'

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

/** The answer of POST /v1/ingest/<dataset> (DESIGN §5). */
export interface IngestAnswer {
  dataset: string
  version: number
  rows_ingested: number
  schema: SchemaField[]
  files: DataFile[]
}
