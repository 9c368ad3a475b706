import type { Config } from '../config/schema.ts'
import {
  type CommitRequest,
  CompactResult,
  DatasetList,
  Generation,
  Manifest,
  VacuumResult,
  VersionList,
} from '../contracts/catalog.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of catalogd (DESIGN §5 "catalog", §6); the shapes are contracts/catalog.ts. A manifest is immutable once committed; `generation` changes on every commit anywhere, so a
// reader can tell with one cheap call whether anything moved.

export type {
  CommitOperation,
  CommitRequest,
  CompactRequest,
  CompactResult,
  DataFile,
  DatasetList,
  Manifest,
  SchemaField,
  VacuumResult,
  VersionEntry,
  VersionList,
} from '../contracts/catalog.ts'

const datasetPath = (name: string) => `/v1/catalog/datasets/${encodeURIComponent(name)}`

export class CatalogClient extends PeerClient {
  listDatasets(): Promise<DatasetList> {
    return this.parsed(DatasetList, { method: 'GET', path: '/v1/catalog/datasets' })
  }

  /** The latest (or the given) version; NotFound when absent or deleted. */
  getManifest(name: string, version?: number): Promise<Manifest> {
    return this.parsed(Manifest, { method: 'GET', path: datasetPath(name), query: { version } })
  }

  listVersions(name: string): Promise<VersionList> {
    return this.parsed(VersionList, { method: 'GET', path: `${datasetPath(name)}/versions` })
  }

  /**
   * VersionConflict (409) when expected_version is stale; the new manifest otherwise. With an
   * idempotency_key already in the dataset's history, the earlier manifest and no new commit.
   */
  commit(name: string, request: CommitRequest): Promise<Manifest> {
    return this.parsed(Manifest, { method: 'POST', path: `${datasetPath(name)}/commits`, json: request })
  }

  /** Writes a tombstone version; NotFound when absent or already deleted. Answers the tombstone. */
  deleteDataset(name: string): Promise<Manifest> {
    return this.parsed(Manifest, { method: 'DELETE', path: datasetPath(name) })
  }

  /** The global generation alone: it changes on every commit to any dataset. */
  async generation(): Promise<number> {
    return (await this.parsed(Generation, { method: 'GET', path: '/v1/catalog/generation' })).generation
  }

  /** One compaction pass now (ADR-022): the new version, or `compacted: false` and why. */
  compact(name: string): Promise<CompactResult> {
    return this.parsed(CompactResult, { method: 'POST', path: `${datasetPath(name)}/compact`, json: {} })
  }

  /** Admin: removes unreferenced data files older than catalog.vacuum_grace_ms. */
  vacuum(): Promise<VacuumResult> {
    return this.parsed(VacuumResult, { method: 'POST', path: '/v1/catalog/vacuum', json: {} })
  }
}

export function catalogClient(config: Config): CatalogClient {
  return new CatalogClient(serviceClient(config, 'catalogd'))
}
