import { describeCatalogContract } from '@lakehouse/shared/testing/catalog-contract.ts'
import { MemoryCatalog } from '@lakehouse/shared/testing/memory-catalog.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll } from 'vitest'
import { uploadFiles } from './stack.ts'

// One contract suite, two catalogs: the real catalogd over a real storaged, and the in-memory
// catalog that ingestd's tests stand in for it. When they disagree, one of these runs fails.

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
})
afterAll(async () => {
  await stack?.stop()
})

describeCatalogContract('catalogd over HTTP', () => ({
  catalog: stack.catalog,
  dataFile: async (dataset, id) => (await uploadFiles(stack.storage, dataset, [id]))[0] as never,
}))

const memoryStorage = new MemoryStorage()
const memory = new MemoryCatalog(memoryStorage)
describeCatalogContract('MemoryCatalog', () => ({
  catalog: memory,
  dataFile: async (dataset, id) => {
    const key = `datasets/${dataset}/data/${id}.parquet`
    return { key, rows: 1, bytes: memoryStorage.seed(key, `bytes of ${id}`).size }
  },
}))
