import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

// Where DuckDB spills (ADR-007, issue 9 item 6a). DuckDB always lets SQL read its temp_directory,
// whatever allowed_directories says, so the spill folder cannot be kept out of the sandbox: it is
// kept unknowable instead. Each process spills into a fresh folder named by 128 random bits under
// an owner-only parent; SQL may read only inside that exact folder (a glob over the parent is
// outside every allowed folder and refused), the settings and functions that would name it are
// refused by the statement guard, and every error and result has host paths redacted.

const OWN_FOLDER = /^[0-9a-f]{32}$/

/** A new spill folder under `parent`; the spill folders of earlier processes are removed. */
export function createSpillFolder(parent: string): string {
  mkdirSync(parent, { recursive: true, mode: 0o700 })
  chmodSync(parent, 0o700)
  for (const name of readdirSync(parent)) {
    if (OWN_FOLDER.test(name)) rmSync(join(parent, name), { recursive: true, force: true })
  }
  return join(parent, randomBytes(16).toString('hex'))
}
