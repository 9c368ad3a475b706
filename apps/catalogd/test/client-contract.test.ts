import type { CatalogClient, SchemaField } from '@lakehouse/shared/clients/catalog.ts'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { AlreadyExists, InvalidName, NotFound, VersionConflict } from '@lakehouse/shared/errors.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The catalogd client against a real catalogd over a real storaged: every method round-trips, and
// catalogd's errors come back as the typed classes callers branch on (ingestd retries on
// VersionConflict, treats NotFound as "absent").

const SCHEMA: SchemaField[] = [{ name: 'id', type: 'BIGINT', nullable: false }]

let stack: Stack
let storage: StorageClient
let catalog: CatalogClient

beforeAll(async () => {
  stack = await startStack({ envOf: { catalogd: { LH_CATALOG_VACUUM_GRACE_MS: '0' } } })
  storage = stack.storage
  catalog = stack.catalog
})

afterAll(async () => {
  await stack?.stop()
})

describe('CatalogClient', () => {
  it('round-trips commit, manifests, versions, listing, generation, delete and vacuum', async () => {
    const key = 'datasets/clients/data/one.parquet'
    const put = await storage.putIfAbsent(key, 'parquet bytes')
    const file = { key, rows: 3, bytes: put.size }
    const generation = await catalog.generation()

    const created = await catalog.commit('clients', { operation: 'create', schema: SCHEMA, files: [file] })
    expect(created).toMatchObject({ name: 'clients', version: 1, row_count: 3, files: [file] })
    expect(await catalog.getManifest('clients')).toEqual(created)
    expect(await catalog.getManifest('clients', 1)).toEqual(created)
    expect((await catalog.listVersions('clients')).versions).toEqual([
      { version: 1, operation: 'create', row_count: 3, committed_at: created.committed_at },
    ])
    const listed = await catalog.listDatasets()
    expect(listed.datasets).toContainEqual(created)
    expect(listed.generation).toBe(generation + 1)

    const tomb = await catalog.deleteDataset('clients')
    expect(tomb).toMatchObject({ version: 2, deleted: true })
    await storage.putIfAbsent('datasets/clients/data/orphan.parquet', 'x')
    // Grace 0: the deleted dataset's files and the orphan both go (ADR-020).
    const vacuumed = await catalog.vacuum()
    expect(vacuumed.deleted.sort()).toEqual([key, 'datasets/clients/data/orphan.parquet'])
  })

  it('turns catalogd errors back into their typed classes', async () => {
    await catalog.commit('typed', { operation: 'create', schema: SCHEMA, files: [] })
    await expect(catalog.commit('typed', { operation: 'create', schema: SCHEMA, files: [] })).rejects.toBeInstanceOf(
      AlreadyExists,
    )
    const stale = { operation: 'replace' as const, expected_version: 0, schema: SCHEMA, files: [] }
    await expect(catalog.commit('typed', stale)).rejects.toBeInstanceOf(VersionConflict)
    await expect(catalog.getManifest('typed', 7)).rejects.toBeInstanceOf(NotFound)
    await expect(catalog.getManifest('Not-A-Name')).rejects.toBeInstanceOf(InvalidName)
  })
})
