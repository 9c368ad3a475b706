import {
  AlreadyExists,
  CompactionConflict,
  Conflict,
  InvalidRequest,
  NotFound,
  VersionConflict,
} from '@lakehouse/shared'
import type {
  CommitRequest,
  CompactRequest,
  DataFile,
  Manifest,
  SchemaField,
} from '@lakehouse/shared/contracts/catalog.ts'
import { dataFileKeyProblem } from '@lakehouse/shared/contracts/catalog-layout.ts'

// The rules that turn "the latest manifest" plus "a requested change" into the next manifest.
// Pure: no storage, no clock (the caller passes `now`), so the commit loop can re-apply them to
// whatever the latest is after a lost race, and tests can check them one by one.

const sum = (files: readonly DataFile[], field: 'rows' | 'bytes') => files.reduce((n, f) => n + f[field], 0)

const isLive = (base: Manifest | undefined): base is Manifest => base !== undefined && !base.deleted

/** A commit may only point at files under its own dataset's data folder, each named once. */
export function assertFilesBelong(name: string, files: readonly DataFile[]): void {
  const seen = new Set<string>()
  files.forEach((file, i) => {
    const problem = dataFileKeyProblem(name, file.key)
    if (problem) {
      throw new InvalidRequest(`file ${JSON.stringify(file.key)} is ${problem}`, {
        issues: [{ path: `body.files.${i}.key`, message: problem }],
      })
    }
    if (seen.has(file.key)) {
      throw new InvalidRequest(`file ${JSON.stringify(file.key)} is listed twice`, {
        issues: [{ path: `body.files.${i}.key`, message: 'listed twice' }],
      })
    }
    seen.add(file.key)
  })
}

export function sameSchema(a: readonly SchemaField[], b: readonly SchemaField[]): boolean {
  return (
    a.length === b.length &&
    a.every((f, i) => f.name === b[i]?.name && f.type === b[i]?.type && f.nullable === b[i]?.nullable)
  )
}

function assertExpected(base: Manifest | undefined, expected: number | undefined): void {
  const current = base?.version ?? 0
  if (expected !== undefined && expected !== current) {
    throw new VersionConflict(`expected version ${expected}, but the latest is ${current}`)
  }
}

function filesAfter(base: Manifest | undefined, request: CommitRequest): DataFile[] {
  if (request.operation !== 'append' || !isLive(base)) return [...request.files]
  const present = new Set(base.files.map((f) => f.key))
  const doubled = request.files.find((f) => present.has(f.key))
  if (doubled) throw new Conflict(`file ${JSON.stringify(doubled.key)} is already in version ${base.version}`)
  return [...base.files, ...request.files]
}

/**
 * The manifest that `request` makes of `base` (the latest version, undefined when the dataset
 * never existed). append adds files on top of a live base; replace and create start from the
 * request's files; on a deleted or absent dataset any operation starts a new life above it.
 */
export function nextManifest(
  name: string,
  base: Manifest | undefined,
  request: CommitRequest | CompactRequest,
  now: string,
): Manifest {
  if (request.operation === 'compact') return compacted(name, base, request, now)
  assertExpected(base, request.expected_version)
  if (request.operation === 'create' && isLive(base)) {
    throw new AlreadyExists(`dataset ${name} already exists (version ${base.version})`)
  }
  const files = filesAfter(base, request)
  return {
    name,
    version: (base?.version ?? 0) + 1,
    operation: request.operation,
    schema: request.schema,
    files,
    row_count: sum(files, 'rows'),
    bytes: sum(files, 'bytes'),
    created_at: isLive(base) ? base.created_at : now,
    committed_at: now,
    ...(request.idempotency_key === undefined ? {} : { idempotency_key: request.idempotency_key }),
  }
}

/**
 * The compaction rule (ADR-022): the files it read are swapped for the files it wrote, in place, on
 * top of whatever the latest is. Applied to a newer latest after a lost race, appends that landed
 * meanwhile stay; a replace, delete or rival compaction that took any input file away makes it a
 * CompactionConflict, so a rewrite never brings back rows someone removed.
 */
function compacted(name: string, base: Manifest | undefined, request: CompactRequest, now: string): Manifest {
  if (!isLive(base)) throw new CompactionConflict(`dataset ${name} does not exist any more`)
  const removing = new Set(request.remove)
  if (removing.size !== request.remove.length) throw new InvalidRequest('a compaction names a removed file twice')
  const present = new Map(base.files.map((f) => [f.key, f]))
  const gone = request.remove.find((key) => !present.has(key))
  if (gone !== undefined) {
    throw new CompactionConflict(`file ${JSON.stringify(gone)} is no longer in version ${base.version} of ${name}`)
  }
  const doubled = request.files.find((f) => present.has(f.key))
  if (doubled) throw new Conflict(`file ${JSON.stringify(doubled.key)} is already in version ${base.version}`)
  const removedRows = sum(
    request.remove.map((key) => present.get(key) as DataFile),
    'rows',
  )
  const addedRows = sum(request.files, 'rows')
  if (removedRows !== addedRows) {
    throw new InvalidRequest(`a compaction must keep the rows: it removes ${removedRows} and adds ${addedRows}`)
  }
  // The new files take the place of the first one they replace, so a scan in manifest order
  // still meets older rows before newer ones.
  const first = base.files.findIndex((f) => removing.has(f.key))
  const kept = base.files.filter((f) => !removing.has(f.key))
  const files = [...kept.slice(0, first), ...request.files, ...kept.slice(first)]
  return {
    name,
    version: base.version + 1,
    operation: 'compact',
    schema: base.schema,
    files,
    row_count: sum(files, 'rows'),
    bytes: sum(files, 'bytes'),
    created_at: base.created_at,
    committed_at: now,
  }
}

/** The tombstone that deletes `base`: history stays, the dataset reads as absent. */
export function tombstone(name: string, base: Manifest | undefined, now: string): Manifest {
  if (!isLive(base)) throw new NotFound(`dataset ${name} does not exist`)
  return {
    name,
    version: base.version + 1,
    operation: 'delete',
    schema: base.schema,
    files: [],
    row_count: 0,
    bytes: 0,
    created_at: base.created_at,
    committed_at: now,
    deleted: true,
  }
}
