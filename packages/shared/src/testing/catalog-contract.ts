import { describe, expect, it } from 'vitest'
import type { CommitRequest, DataFile, Manifest, SchemaField } from '../clients/catalog.ts'
import { AlreadyExists, Conflict, InvalidRequest, NotFound, VersionConflict } from '../errors.ts'

// Tests only: catalogd's commit rules as a client sees them, one suite run against every catalog
// a test may use: the real catalogd (over HTTP) and MemoryCatalog. A rule written here binds both.

export interface ContractCatalog {
  getManifest(name: string, version?: number): Promise<Manifest>
  commit(name: string, request: CommitRequest): Promise<Manifest>
  deleteDataset(name: string): Promise<Manifest>
}

export interface ContractSubject {
  catalog: ContractCatalog
  /** Makes a data file exist where the catalog will look for it (storage, for the real one). */
  dataFile: (dataset: string, id: string) => Promise<DataFile>
}

const SCHEMA: SchemaField[] = [{ name: 'id', type: 'BIGINT', nullable: false }]
const WIDER: SchemaField[] = [...SCHEMA, { name: 'note', type: 'VARCHAR', nullable: true }]

let counter = 0
/** A fresh dataset name per test, so a suite can share one catalog. */
const fresh = () => `contract_${process.pid}_${++counter}`

export function describeCatalogContract(label: string, subject: () => ContractSubject): void {
  describe(`catalog contract: ${label}`, () => {
    const commit = (name: string, request: Partial<CommitRequest> & Pick<CommitRequest, 'operation'>) =>
      subject().catalog.commit(name, { schema: SCHEMA, files: [], ...request })
    const file = (name: string, id: string) => subject().dataFile(name, id)

    it('create answers version 1 with its files and totals', async () => {
      const name = fresh()
      const f = await file(name, 'a')
      const m = await commit(name, { operation: 'create', files: [f] })
      expect(m).toMatchObject({ name, version: 1, operation: 'create', files: [f], row_count: f.rows })
      expect(await subject().catalog.getManifest(name)).toEqual(m)
    })

    it('an append to an absent dataset creates it', async () => {
      const name = fresh()
      const m = await commit(name, { operation: 'append', files: [await file(name, 'a')] })
      expect(m).toMatchObject({ version: 1, operation: 'append' })
    })

    it('create of a live dataset is already_exists', async () => {
      const name = fresh()
      await commit(name, { operation: 'create' })
      await expect(commit(name, { operation: 'create' })).rejects.toBeInstanceOf(AlreadyExists)
    })

    it('append keeps the files before it; replace drops them', async () => {
      const name = fresh()
      const [a, b, c] = [await file(name, 'a'), await file(name, 'b'), await file(name, 'c')]
      await commit(name, { operation: 'create', files: [a] })
      expect((await commit(name, { operation: 'append', files: [b] })).files).toEqual([a, b])
      expect((await commit(name, { operation: 'replace', schema: WIDER, files: [c] })).files).toEqual([c])
      expect((await subject().catalog.getManifest(name)).schema).toEqual(WIDER)
    })

    it('a commit naming a file that is not in storage is invalid_request', async () => {
      const name = fresh()
      const missing = { key: `datasets/${name}/data/missing.parquet`, rows: 1, bytes: 1 }
      await expect(commit(name, { operation: 'create', files: [missing] })).rejects.toBeInstanceOf(InvalidRequest)
    })

    it("a file outside the dataset's data folder is invalid_request", async () => {
      const name = fresh()
      const other = await file(fresh(), 'a')
      await expect(commit(name, { operation: 'create', files: [other] })).rejects.toBeInstanceOf(InvalidRequest)
    })

    it('appending a file already in the dataset is a conflict', async () => {
      const name = fresh()
      const a = await file(name, 'a')
      await commit(name, { operation: 'create', files: [a] })
      await expect(commit(name, { operation: 'append', files: [a] })).rejects.toBeInstanceOf(Conflict)
    })

    it('a stale expected_version is version_conflict; 0 means "absent"', async () => {
      const name = fresh()
      await commit(name, { operation: 'create', expected_version: 0 })
      await commit(name, { operation: 'append', expected_version: 1 })
      await expect(commit(name, { operation: 'append', expected_version: 1 })).rejects.toBeInstanceOf(VersionConflict)
    })

    it('a repeated idempotency key answers the first manifest and commits nothing', async () => {
      const name = fresh()
      const first = await commit(name, { operation: 'append', files: [await file(name, 'a')], idempotency_key: 'k1' })
      const again = await commit(name, { operation: 'append', files: [await file(name, 'b')], idempotency_key: 'k1' })
      expect(again).toEqual(first)
      expect((await subject().catalog.getManifest(name)).version).toBe(1)
    })

    it('an absent or deleted dataset reads as not found; a commit after a delete starts above it', async () => {
      const name = fresh()
      await expect(subject().catalog.getManifest(name)).rejects.toBeInstanceOf(NotFound)
      await commit(name, { operation: 'create' })
      expect(await subject().catalog.deleteDataset(name)).toMatchObject({ version: 2, deleted: true })
      await expect(subject().catalog.getManifest(name)).rejects.toBeInstanceOf(NotFound)
      await expect(subject().catalog.deleteDataset(name)).rejects.toBeInstanceOf(NotFound)
      expect(await commit(name, { operation: 'create' })).toMatchObject({ version: 3, operation: 'create' })
    })
  })
}
