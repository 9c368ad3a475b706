import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
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

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes workspaces left by dead processes; returns how many. */
export async function sweepStaleWorkspaces(tmpDir: string): Promise<number> {
  await mkdir(tmpDir, { recursive: true })
  let removed = 0
  for (const entry of await readdir(tmpDir)) {
    const pid = Number(entry.split('-', 1)[0])
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid))) continue
    await rm(join(tmpDir, entry), { recursive: true, force: true })
    removed++
  }
  return removed
}
