import type { DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'

// The stored shape of a version (ADR-020). catalog/<name>/v<N>.json holds either
//  - a legacy full manifest (no `format` field; every version before ADR-020), a snapshot, or
//  - a commit entry (`format: 2`): the manifest's header (schema, totals, timestamps, operation,
//    idempotency key, deleted) and the change of its file list against version N-1: `reset` with
//    the whole list, or the keys `removed` and the files `added` (in that order of application).
// The change is derived from (base, next) alone, so every operation the pure rule knows, and any
// added later (compact removes and adds), is stored without a case of its own.

export const ENTRY_FORMAT = 2

type Header = Omit<Manifest, 'files'>

export interface CommitEntry extends Header {
  format: typeof ENTRY_FORMAT
  /** true: `added` is the whole file list of this version (a snapshot); false: a change of N-1. */
  reset: boolean
  added: DataFile[]
  removed: string[]
}

/** What a v<N>.json object holds: a commit entry, or a legacy full manifest. */
export type StoredVersion = CommitEntry | Manifest

export const isEntry = (stored: StoredVersion): stored is CommitEntry =>
  (stored as Partial<CommitEntry>).format === ENTRY_FORMAT

/** A stored version that needs no earlier version to be read: a legacy manifest or a reset entry. */
export const isSnapshot = (stored: StoredVersion): boolean => !isEntry(stored) || stored.reset

export function parseStoredVersion(text: string, key: string): StoredVersion {
  const parsed = JSON.parse(text) as Partial<CommitEntry> & Partial<Manifest>
  if (parsed.format === undefined && Array.isArray(parsed.files)) return parsed as Manifest
  if (parsed.format === ENTRY_FORMAT && Array.isArray(parsed.added) && Array.isArray(parsed.removed)) {
    return parsed as CommitEntry
  }
  // A newer catalogd's format, or damage: refuse loudly rather than guess at a file list.
  throw new Error(`${key}: not a manifest nor a format-${ENTRY_FORMAT} commit entry`)
}

/** The manifest header in the public field order, without the stored-only fields. */
function headerOf(source: Header): Header {
  return {
    name: source.name,
    version: source.version,
    operation: source.operation,
    schema: source.schema,
    row_count: source.row_count,
    bytes: source.bytes,
    created_at: source.created_at,
    committed_at: source.committed_at,
    ...(source.idempotency_key === undefined ? {} : { idempotency_key: source.idempotency_key }),
    ...(source.deleted === undefined ? {} : { deleted: source.deleted }),
  }
}

function withFiles(header: Header, files: DataFile[]): Manifest {
  const { idempotency_key, deleted, ...rest } = header
  return {
    ...rest,
    files,
    ...(idempotency_key === undefined ? {} : { idempotency_key }),
    ...(deleted === undefined ? {} : { deleted }),
  }
}

const sameFile = (a: DataFile | undefined, b: DataFile) => a?.key === b.key && a.rows === b.rows && a.bytes === b.bytes

function applyChanges(files: readonly DataFile[], removed: readonly string[], added: readonly DataFile[]): DataFile[] {
  if (removed.length === 0) return [...files, ...added]
  const gone = new Set(removed)
  return [...files.filter((f) => !gone.has(f.key)), ...added]
}

function sameList(a: readonly DataFile[], b: readonly DataFile[]): boolean {
  return a.length === b.length && a.every((file, i) => sameFile(b[i], file))
}

/** `longer` starts with exactly the objects of `list` (identity, so it costs a pointer compare per file). */
function isExtension(list: readonly DataFile[], longer: readonly DataFile[]): boolean {
  if (longer.length <= list.length) return false
  for (let i = 0; i < list.length; i++) if (list[i] !== longer[i]) return false
  return true
}

/**
 * The entry that stores `next` on top of `base` (its version - 1). A change when it is smaller
 * than the whole list and replays to exactly next's list (order included); a reset otherwise.
 */
export function entryOf(base: Manifest | undefined, next: Manifest): CommitEntry {
  const header = headerOf(next)
  if (base && base.version === next.version - 1 && isExtension(base.files, next.files)) {
    // The common case (an append): next's list is base's, the same objects, then more.
    return { format: ENTRY_FORMAT, ...header, reset: false, added: next.files.slice(base.files.length), removed: [] }
  }
  if (base && base.version === next.version - 1) {
    const nextByKey = new Map(next.files.map((f) => [f.key, f]))
    const removed = base.files.filter((f) => !sameFile(nextByKey.get(f.key), f)).map((f) => f.key)
    const gone = new Set(removed)
    const kept = new Set(base.files.filter((f) => !gone.has(f.key)).map((f) => f.key))
    const added = next.files.filter((f) => !kept.has(f.key))
    const isSmaller = removed.length + added.length < next.files.length
    if (isSmaller && sameList(applyChanges(base.files, removed, added), next.files)) {
      return { format: ENTRY_FORMAT, ...header, reset: false, added, removed }
    }
  }
  return { format: ENTRY_FORMAT, ...header, reset: true, added: next.files, removed: [] }
}

/** The manifest `stored` makes of `previous` (version - 1; unused for a snapshot). */
export function applyStored(previous: Manifest | undefined, stored: StoredVersion): Manifest {
  if (!isEntry(stored)) return stored
  if (stored.reset) return withFiles(headerOf(stored), stored.added)
  if (previous?.version !== stored.version - 1) {
    throw new Error(
      `catalog/${stored.name}: version ${stored.version} is a change, but version ${stored.version - 1} is not at hand`,
    )
  }
  return withFiles(headerOf(stored), applyChanges(previous.files, stored.removed, stored.added))
}

/** Files a stored version brings in (all of them for a snapshot): vacuum's union of retained versions. */
export function addedFiles(stored: StoredVersion): readonly DataFile[] {
  return isEntry(stored) ? stored.added : stored.files
}

/** Approximate bytes a value takes in memory, for the caches' byte bounds (JSON length x2 for UTF-16 and objects). */
export function approxBytes(files: readonly DataFile[], extra: readonly string[] = []): number {
  let bytes = 512
  for (const file of files) bytes += 2 * file.key.length + 96
  for (const key of extra) bytes += 2 * key.length + 32
  return bytes
}
