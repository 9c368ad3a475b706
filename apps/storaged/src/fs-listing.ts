import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { type FolderEntries, FolderSnapshots } from './folder-snapshots.ts'
import { RESERVED_TOP } from './key.ts'

// Walks an fs root in key order (UTF-8 byte order, as S3): folders are visited as "<name>/" so that
// "a.c" < "a/b" < "a0". A page reads only the folders on its way; within a folder it starts by
// binary search after the cursor, and a folder it continues in comes from a sorted snapshot
// (folder-snapshots.ts, ADR-026), so a page costs O(page + log n), not a read and sort of the folder.
// Keys are handled as byte strings (each UTF-8 byte one latin1 char), where `<` is byte order.

/** Bound of the sorted folder snapshots: ~1.5 million entries of 16-byte names. */
export const LISTING_CACHE_MAX_BYTES = 64 * 1024 * 1024
/** A walk whose next page comes later than this reads its folder again (the cost, not the result, changes). */
export const LISTING_CACHE_IDLE_MS = 60_000

const NON_ASCII = /[\u0080-\uffff]/

function toBytes(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text
}

function fromBytes(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

/** One folder's sorted entries, read from disk. Symlinks and special files are never objects. */
export async function readFolder(path: string): Promise<FolderEntries> {
  try {
    const entries: string[] = []
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isDirectory()) entries.push(`${toBytes(entry.name)}/`)
      else if (entry.isFile()) entries.push(toBytes(entry.name))
    }
    // Default sort compares UTF-16 units, which for byte strings is byte order.
    return entries.sort()
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return []
    throw err
  }
}

/** Index of the first entry >= `bound`. */
function lowerBound(entries: FolderEntries, bound: string): number {
  let low = 0
  let high = entries.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((entries[mid] as string) < bound) low = mid + 1
    else high = mid
  }
  return low
}

/** Where to start in a folder that holds the cursor: past every entry wholly at or before it. */
function startAfter(entries: FolderEntries, cursorRest: string): number {
  const slash = cursorRest.indexOf('/')
  // The entry on the cursor's path: a folder "x/" to descend into, or the file "x" itself (skipped).
  const step = slash === -1 ? cursorRest : cursorRest.slice(0, slash + 1)
  const at = lowerBound(entries, step)
  return slash === -1 && entries[at] === step ? at + 1 : at
}

export interface ListingOptions {
  maxBytes?: number
  idleMs?: number
  /** Reads one folder (a test counts the reads); `readFolder` by default. */
  read?: (path: string) => Promise<FolderEntries>
}

export class FsListing {
  readonly #root: string
  readonly #snapshots: FolderSnapshots

  constructor(root: string, options: ListingOptions = {}) {
    this.#root = root
    this.#snapshots = new FolderSnapshots({
      maxBytes: options.maxBytes ?? LISTING_CACHE_MAX_BYTES,
      idleMs: options.idleMs ?? LISTING_CACHE_IDLE_MS,
      read: options.read ?? readFolder,
    })
  }

  /** Bytes held by folder snapshots now, and their bound. */
  cacheBytes(): { bytes: number; maxBytes: number } {
    return { bytes: this.#snapshots.bytes, maxBytes: this.#snapshots.maxBytes }
  }

  /** File keys under the root starting with `prefix` and after `cursor`, in key order. */
  async *walkKeys(prefix: string, cursor?: string): AsyncGenerator<string> {
    const bytesPrefix = toBytes(prefix)
    const cut = bytesPrefix.lastIndexOf('/') + 1
    const bytesCursor = cursor === undefined ? undefined : toBytes(cursor)
    for await (const key of this.#walk(bytesPrefix.slice(0, cut), bytesPrefix.slice(cut), bytesCursor)) {
      yield fromBytes(key)
    }
  }

  async *#walk(dirKey: string, namePrefix: string, cursor: string | undefined): AsyncGenerator<string> {
    // Defined when the cursor lies in this folder: then the previous page of this walk was here.
    const cursorRest = cursor?.startsWith(dirKey) ? cursor.slice(dirKey.length) : undefined
    // Every key in here sorts before a cursor that is past the folder and not in it.
    if (cursor !== undefined && cursorRest === undefined && cursor > dirKey) return
    const entries = await this.#snapshots.entries(join(this.#root, fromBytes(dirKey)), cursorRest !== undefined)
    let i = lowerBound(entries, namePrefix)
    if (cursorRest !== undefined) i = Math.max(i, startAfter(entries, cursorRest))
    for (; i < entries.length; i++) {
      const entry = entries[i] as string
      if (!entry.startsWith(namePrefix)) return
      if (dirKey === '' && (entry === `${RESERVED_TOP}/` || entry === RESERVED_TOP)) continue
      const key = dirKey + entry
      if (entry.endsWith('/')) yield* this.#walk(key, '', cursor)
      else if (cursor === undefined || key > cursor) yield key
    }
  }
}
