// Sorted snapshots of folders for the fs listing (ADR-026), so that a paginated walk reads and sorts a
// folder once, not once per page. The rule that keeps a walk exact: a page that enters a folder
// (the cursor is not inside it) always reads it afresh; a page that continues inside a folder (the
// previous page of the same walk was there) may use the cached snapshot, which is never older than
// the one that previous page used. So every snapshot a walk uses was read after the walk began, and a
// key present throughout the walk is in it. The cache holds at most `maxBytes` and forgets a folder
// no page used for `idleMs`.

/** A folder's entries as byte strings (UTF-8 bytes as latin1 chars), folders with a trailing "/", sorted. */
export type FolderEntries = readonly string[]

interface Snapshot {
  /** Order in which its read started: a snapshot only ever replaces an older one. */
  seq: number
  entries: FolderEntries
  bytes: number
  usedAt: number
}

export interface FolderSnapshotOptions {
  maxBytes: number
  idleMs: number
  read: (folder: string) => Promise<FolderEntries>
  now?: () => number
}

/** V8 string header and array slot per entry, on top of one byte per char (one-byte strings). */
const ENTRY_OVERHEAD_BYTES = 32

export function snapshotBytes(entries: FolderEntries): number {
  let bytes = 64
  for (const entry of entries) bytes += entry.length + ENTRY_OVERHEAD_BYTES
  return bytes
}

export class FolderSnapshots {
  readonly maxBytes: number
  readonly #idleMs: number
  readonly #read: (folder: string) => Promise<FolderEntries>
  readonly #now: () => number
  /** In least-recently-used order (Map keeps insertion order; a hit re-inserts). */
  readonly #byFolder = new Map<string, Snapshot>()
  #bytes = 0
  #nextSeq = 0
  /**
   * Highest seq ever dropped (evicted, expired, or too big to keep): a read that started at or before
   * it may not be stored where no snapshot is, since a walk may already have used a newer one.
   */
  #droppedUpTo = 0

  constructor(options: FolderSnapshotOptions) {
    this.maxBytes = options.maxBytes
    this.#idleMs = options.idleMs
    this.#read = options.read
    this.#now = options.now ?? Date.now
  }

  get bytes(): number {
    return this.#bytes
  }

  /** The sorted entries of `folder`; from the cache only when `isContinuation` (see the module comment). */
  async entries(folder: string, isContinuation: boolean): Promise<FolderEntries> {
    const now = this.#now()
    this.#expire(now)
    const cached = this.#byFolder.get(folder)
    if (isContinuation && cached) {
      this.#byFolder.delete(folder)
      this.#byFolder.set(folder, cached)
      cached.usedAt = now
      return cached.entries
    }
    const seq = ++this.#nextSeq
    const entries = await this.#read(folder)
    this.#store(folder, seq, entries)
    return entries
  }

  #store(folder: string, seq: number, entries: FolderEntries): void {
    const current = this.#byFolder.get(folder)
    if (current && current.seq > seq) return
    if (current) this.#drop(folder, current)
    const bytes = snapshotBytes(entries)
    if (bytes > this.maxBytes || (!current && seq <= this.#droppedUpTo)) {
      this.#droppedUpTo = Math.max(this.#droppedUpTo, seq)
      return
    }
    this.#byFolder.set(folder, { seq, entries, bytes, usedAt: this.#now() })
    this.#bytes += bytes
    for (const [oldest, snapshot] of this.#byFolder) {
      if (this.#bytes <= this.maxBytes) break
      this.#drop(oldest, snapshot)
    }
  }

  #expire(now: number): void {
    // Least recently used first, so the first one still in use ends the sweep.
    for (const [folder, snapshot] of this.#byFolder) {
      if (now - snapshot.usedAt < this.#idleMs) return
      this.#drop(folder, snapshot)
    }
  }

  #drop(folder: string, snapshot: Snapshot): void {
    this.#byFolder.delete(folder)
    this.#bytes -= snapshot.bytes
    this.#droppedUpTo = Math.max(this.#droppedUpTo, snapshot.seq)
  }
}
