import type { Config } from '../config/schema.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of catalogd (DESIGN §5 "catalog", §6) and the manifest shapes every daemon shares.
// A manifest is immutable once committed; `generation` changes on every commit anywhere, so a
// reader can tell with one cheap call whether anything moved.

export interface SchemaField {
  name: string
  /** DuckDB logical type name, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP, DECIMAL(18,3). */
  type: string
  nullable: boolean
}

export interface DataFile {
  /** Object key in storaged, e.g. datasets/<name>/data/<ulid>.parquet */
  key: string
  rows: number
  bytes: number
}

export type CommitOperation = 'create' | 'append' | 'replace' | 'delete'

export interface Manifest {
  name: string
  version: number
  operation: CommitOperation
  schema: SchemaField[]
  files: DataFile[]
  row_count: number
  bytes: number
  created_at: string
  committed_at: string
  /** The idempotency key of the commit that wrote this version; a later commit with it commits nothing. */
  idempotency_key?: string
  /** Set on the tombstone version written by a delete. */
  deleted?: boolean
}

export interface CommitRequest {
  operation: 'create' | 'append' | 'replace'
  expected_version?: number
  schema: SchemaField[]
  files: DataFile[]
  idempotency_key?: string
}

export interface DatasetList {
  datasets: Manifest[]
  generation: number
}

export interface VacuumResult {
  /** Keys of the data files removed. */
  deleted: string[]
  /** Data files left in place (referenced by some version, or younger than the grace period). */
  kept: number
}

export interface VersionEntry {
  version: number
  operation: CommitOperation
  row_count: number
  committed_at: string
}

const datasetPath = (name: string) => `/v1/catalog/datasets/${encodeURIComponent(name)}`

export class CatalogClient extends PeerClient {
  listDatasets(): Promise<DatasetList> {
    return this.http.json<DatasetList>({ method: 'GET', path: '/v1/catalog/datasets' })
  }

  /** The latest (or the given) version; NotFound when absent or deleted. */
  getManifest(name: string, version?: number): Promise<Manifest> {
    return this.http.json<Manifest>({ method: 'GET', path: datasetPath(name), query: { version } })
  }

  listVersions(name: string): Promise<{ name: string; versions: VersionEntry[] }> {
    return this.http.json({ method: 'GET', path: `${datasetPath(name)}/versions` })
  }

  /**
   * VersionConflict (409) when expected_version is stale; the new manifest otherwise. With an
   * idempotency_key already in the dataset's history, the earlier manifest and no new commit.
   */
  commit(name: string, request: CommitRequest): Promise<Manifest> {
    return this.http.json<Manifest>({ method: 'POST', path: `${datasetPath(name)}/commits`, json: request })
  }

  /** Writes a tombstone version; NotFound when absent or already deleted. Answers the tombstone. */
  deleteDataset(name: string): Promise<Manifest> {
    return this.http.json<Manifest>({ method: 'DELETE', path: datasetPath(name) })
  }

  /** The global generation alone: it changes on every commit to any dataset. */
  async generation(): Promise<number> {
    return (await this.http.json<{ generation: number }>({ method: 'GET', path: '/v1/catalog/generation' })).generation
  }

  /** Admin: removes unreferenced data files older than catalog.vacuum_grace_ms. */
  vacuum(): Promise<VacuumResult> {
    return this.http.json<VacuumResult>({ method: 'POST', path: '/v1/catalog/vacuum', json: {} })
  }
}

export function catalogClient(config: Config): CatalogClient {
  return new CatalogClient(serviceClient(config, 'catalogd'))
}
