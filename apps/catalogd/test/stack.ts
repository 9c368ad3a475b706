import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServiceClient } from '@lakehouse/shared'
import type { DataFile } from '@lakehouse/shared/clients/catalog.ts'
import { CatalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'

// Real daemons for the catalogd tests: a storaged child process on a temp folder, and catalogd
// child processes pointed at it (as many as a test wants: restarts, replicas, kill -9).

export interface Storaged {
  daemon: DaemonProcess
  storage: StorageClient
  dataDir: string
  stop: () => Promise<void>
}

export async function startStoraged(): Promise<Storaged> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lh-catalogd-'))
  const daemon = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: dataDir } })
  const storage = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: daemon.url }))
  return {
    daemon,
    storage,
    dataDir,
    stop: async () => {
      await storage.close()
      await daemon.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function startCatalogd(storaged: Storaged): Promise<{ daemon: DaemonProcess; client: CatalogClient }> {
  const daemon = await startDaemon('catalogd', {
    env: { LH_PATHS_DATA_DIR: storaged.dataDir, LH_PEERS_STORAGED: storaged.daemon.url },
  })
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
