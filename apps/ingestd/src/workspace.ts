import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { sweepOrphanTempDirs } from '@lakehouse/shared/temp-folders.ts'
import { ulid } from 'ulid'

// One private temp folder per ingest, named <pid>-<ulid> under the ingest tmp dir, removed when the
// ingest ends however it ends. A process killed with -9 cannot clean up, so at start-up ingestd
// removes the folders whose owning process is gone; folders of a live ingestd sharing the dir stay.

export interface Workspace {
  dir: string
  /** Where the upload body is streamed to. */
  uploadPath: string
  /** Folder DuckDB writes the Parquet files into. */
  outputDir: string
  remove: () => Promise<void>
}

export async function createWorkspace(tmpDir: string): Promise<Workspace> {
  const dir = join(tmpDir, `${process.pid}-${ulid()}`)
  await mkdir(dir, { recursive: true })
  return {
    dir,
    uploadPath: join(dir, 'upload'),
    outputDir: join(dir, 'out'),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** Removes workspaces left by dead processes; returns how many (same naming as temp-folders.ts). */
export function sweepStaleWorkspaces(tmpDir: string): Promise<number> {
  return sweepOrphanTempDirs(tmpDir)
}
