import { createReadStream, createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { DataFile } from '@lakehouse/shared/contracts/catalog.ts'
import { dataFileKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import { ulid } from 'ulid'
import type { WrittenFile } from './rewrite.ts'

// Moving a pass's files between storaged and its temp folder. Inputs stream to disk (never whole
// in memory); outputs go up create-only under new ulid keys in the dataset's data folder, as an
// ingest's do, so no two writers collide and an output nobody commits is an orphan vacuum removes.

export type CompactionStorage = Pick<StorageClient, 'getStream' | 'putIfAbsent' | 'delete'>

/** Streams each file to `<dir>/<n>.parquet`; the local paths, in the files' order. */
export async function downloadFiles(storage: CompactionStorage, files: readonly DataFile[], dir: string) {
  const paths: string[] = []
  for (const [i, file] of files.entries()) {
    const path = join(dir, `${i}.parquet`)
    const { body } = await storage.getStream(file.key)
    await pipeline(body, createWriteStream(path))
    paths.push(path)
  }
  return paths
}

/** Uploads every written file; on a failure deletes those already up and rethrows. */
export async function uploadFiles(
  storage: CompactionStorage,
  dataset: string,
  written: readonly WrittenFile[],
): Promise<DataFile[]> {
  const files: DataFile[] = []
  try {
    for (const file of written) {
      const key = dataFileKey(dataset, ulid())
      await storage.putIfAbsent(key, createReadStream(file.path), { contentLength: file.bytes })
      files.push({ key, rows: file.rows, bytes: file.bytes })
    }
  } catch (err) {
    await deleteQuietly(storage, files)
    throw err
  }
  return files
}

/** Best effort: what is left behind is unreferenced, and vacuum removes it after the grace period. */
export async function deleteQuietly(storage: CompactionStorage, files: readonly DataFile[]): Promise<void> {
  for (const file of files) await storage.delete(file.key).catch(() => undefined)
}
