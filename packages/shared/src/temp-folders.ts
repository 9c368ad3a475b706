import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

// Private temp folders named <pid>-<label>-<random> under a parent a daemon owns (catalogd's
// compaction, ingestd's workspaces). A process killed with -9 cannot clean
// up, so the owner sweeps the folders whose process is gone; folders of a live process sharing the
// parent (a replica on the same box) stay.

export async function makeOwnedTempDir(parent: string, label: string): Promise<string> {
  await mkdir(parent, { recursive: true })
  return mkdtemp(join(parent, `${process.pid}-${label}-`))
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the folders under `parent` left by processes that are gone; returns how many. */
export async function sweepOrphanTempDirs(parent: string): Promise<number> {
  await mkdir(parent, { recursive: true })
  let removed = 0
  for (const entry of await readdir(parent)) {
    const pid = Number(entry.split('-', 1)[0])
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid))) continue
    await rm(join(parent, entry), { recursive: true, force: true })
    removed++
  }
  return removed
}
