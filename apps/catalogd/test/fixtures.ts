import type { CommitRequest, DataFile, SchemaField } from '@lakehouse/shared/clients/catalog.ts'
import type { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'

// Small builders shared by the catalogd tests: a schema, data files that exist in storage, and
// commit requests over them.

export const SCHEMA: SchemaField[] = [
  { name: 'id', type: 'BIGINT', nullable: false },
  { name: 'city', type: 'VARCHAR', nullable: true },
]

export const WIDER_SCHEMA: SchemaField[] = [...SCHEMA, { name: 'rate', type: 'DOUBLE', nullable: true }]

export function dataFile(dataset: string, id: string, rows = 10): DataFile {
  return { key: `datasets/${dataset}/data/${id}.parquet`, rows, bytes: rows * 100 }
}

/** Data files that exist in the memory storage, as an ingest would have left them before committing. */
export function seedFiles(storage: MemoryStorage, dataset: string, ids: string[], lastModified?: Date): DataFile[] {
  return ids.map((id) => {
    const file = dataFile(dataset, id)
    storage.seed(file.key, 'x'.repeat(file.bytes), lastModified)
    return file
  })
}

export function request(operation: CommitRequest['operation'], files: DataFile[], extra: Partial<CommitRequest> = {}) {
  return { operation, schema: SCHEMA, files, ...extra } satisfies CommitRequest
}
