import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { compareKeys, RESERVED_TOP } from './key.ts'

// Walks an fs root in key order without reading it all: directories are visited as "<name>/" so
// that "a.c" < "a/b" < "a0" as in S3, and a subtree wholly at or before the cursor is skipped.

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

async function sortedEntries(dir: string): Promise<Dirent[]> {
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return []
    throw err
  }
  const sortName = (e: Dirent) => (e.isDirectory() ? `${e.name}/` : e.name)
  // Symlinks and other special files are never objects: a link could point outside the root.
  return entries.filter((e) => e.isDirectory() || e.isFile()).sort((a, b) => compareKeys(sortName(a), sortName(b)))
}

/** True when every key under `subtree` (which ends with "/") sorts at or before `cursor`. */
function isBehindCursor(subtree: string, cursor: string | undefined): boolean {
  return cursor !== undefined && compareKeys(subtree, cursor) < 0 && !cursor.startsWith(subtree)
}

async function* walk(root: string, dirKey: string, namePrefix: string, cursor?: string): AsyncGenerator<string> {
  for (const entry of await sortedEntries(join(root, dirKey))) {
    if (!entry.name.startsWith(namePrefix)) continue
    if (dirKey === '' && entry.name === RESERVED_TOP) continue
    const key = dirKey + entry.name
    if (entry.isDirectory()) {
      const subtree = `${key}/`
      if (!isBehindCursor(subtree, cursor)) yield* walk(root, subtree, '', cursor)
    } else if (cursor === undefined || compareKeys(key, cursor) > 0) {
      yield key
    }
  }
}

/** File keys under `root` starting with `prefix` and after `cursor`, in key order. */
export function walkKeys(root: string, prefix: string, cursor?: string): AsyncGenerator<string> {
  const cut = prefix.lastIndexOf('/') + 1
  return walk(root, prefix.slice(0, cut), prefix.slice(cut), cursor)
}
