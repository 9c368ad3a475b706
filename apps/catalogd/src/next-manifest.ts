import { AlreadyExists, Conflict, InvalidRequest, NotFound, VersionConflict } from '@lakehouse/shared'
import type { CommitRequest, DataFile, Manifest, SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
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
export function nextManifest(name: string, base: Manifest | undefined, request: CommitRequest, now: string): Manifest {
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
