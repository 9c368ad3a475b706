import { ServiceClient } from '@lakehouse/shared'
import type { DataFile } from '@lakehouse/shared/clients/catalog.ts'
import { CatalogClient } from '@lakehouse/shared/clients/catalog.ts'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { DaemonProcess } from '@lakehouse/shared/testing/daemon-process.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'

// The catalogd tests' view of the shared test stack: storaged alone, and as many catalogd child
// processes pointed at it as a test wants (restarts, replicas, kill -9), each with its own client.

export type Storaged = Stack

export function startStoraged(): Promise<Stack> {
  return startStack({ storageOnly: true })
}

export async function startCatalogd(stack: Stack): Promise<{ daemon: DaemonProcess; client: CatalogClient }> {
  const daemon = await stack.start('catalogd')
  return { daemon, client: new CatalogClient(new ServiceClient({ service: 'catalogd', baseUrl: daemon.url })) }
}

/** Uploads data files the way an ingest does before it commits them. */
export async function uploadFiles(storage: StorageClient, dataset: string, ids: string[]): Promise<DataFile[]> {
  return Promise.all(
    ids.map(async (id) => {
      const key = `datasets/${dataset}/data/${id}.parquet`
      const put = await storage.putIfAbsent(key, `bytes of ${id}`)
      return { key, rows: 1, bytes: put.size }
    }),
  )
}
