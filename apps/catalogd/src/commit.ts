import { InvalidRequest, PreconditionFailed, VersionConflict } from '@lakehouse/shared'
import type { CommitRequest, CompactRequest, Manifest, SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
import pMap from 'p-map'
import { backOff } from './backoff.ts'
import type { IdempotencyIndex } from './idempotency.ts'
import type { ManifestStore } from './manifest-store.ts'
import { assertFilesBelong, nextManifest, sameSchema, tombstone } from './next-manifest.ts'
import type { CatalogStorage } from './storage-port.ts'

// The commit protocol of DESIGN §6 (ADR-005): read the latest version N, write N+1 create-only;
// a 412 means another writer took N+1, so wait a jittered moment, reload and re-apply. The
// create-only manifest write is the one commit point: a crash before it commits nothing, a crash
// after it loses nothing.

export interface CommitDeps {
  storage: CatalogStorage
  store: ManifestStore
  idempotency: IdempotencyIndex
  maxAttempts: number
  now?: () => string
  /** Told each time another writer took the version this commit meant to write (a retry follows). */
  onLostRace?: (name: string) => void
}

const clock = () => new Date().toISOString()

/** HEADs in flight at once: a commit of thousands of files must not open thousands of requests. */
const HEAD_CONCURRENCY = 16

/** Data files are written before the commit that names them; a commit of a missing file is refused. */
async function assertFilesExist(storage: CatalogStorage, request: CommitRequest | CompactRequest): Promise<void> {
  const found = await pMap(request.files, (file) => storage.head(file.key), { concurrency: HEAD_CONCURRENCY })
  const missing = request.files.find((_, i) => !found[i])
  if (missing) throw new InvalidRequest(`file ${JSON.stringify(missing.key)} does not exist in storage`)
}

/**
 * An append re-applied after a lost race keeps its files only if the schema did not move under it:
 * the caller reconciled its schema against the version it saw, not against a concurrent change.
 */
function assertSchemaSettled(
  request: CommitRequest | CompactRequest,
  seen: SchemaField[] | undefined,
  latest: Manifest | undefined,
) {
  if (request.operation !== 'append' || !latest || latest.deleted) return
  if (sameSchema(latest.schema, request.schema) || (seen && sameSchema(latest.schema, seen))) return
  throw new VersionConflict(`the schema of ${latest.name} changed in version ${latest.version}; reconcile and retry`)
}

/** A compaction (ADR-022) runs the same loop: its rule re-applies on top of whatever landed meanwhile. */
export async function commitManifest(
  deps: CommitDeps,
  name: string,
  request: CommitRequest | CompactRequest,
): Promise<Manifest> {
  assertFilesBelong(name, request.files)
  await assertFilesExist(deps.storage, request)
  let seenSchema: SchemaField[] | undefined
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    const base = await deps.store.latest(name)
    // The rule that keeps the idempotency index complete: version N is indexed before N+1 is written.
    await deps.idempotency.ensureIndexed(base)
    if (request.operation !== 'compact' && request.idempotency_key !== undefined) {
      const earlier = await deps.idempotency.find(name, request.idempotency_key, base)
      if (earlier) return earlier
    }
    if (attempt === 1) seenSchema = base && !base.deleted ? base.schema : undefined
    else assertSchemaSettled(request, seenSchema, base)
    const next = nextManifest(name, base, request, (deps.now ?? clock)())
    if (!base) await deps.store.ensureRegistered(name)
    if (await writeOrLose(deps.store, next)) {
      await indexEagerly(deps.idempotency, next)
      return next
    }
    deps.onLostRace?.(name)
    if (attempt < deps.maxAttempts) await backOff(attempt)
  }
  throw new VersionConflict(`${name}: gave up after ${deps.maxAttempts} lost commit races`)
}

export async function deleteDataset(deps: CommitDeps, name: string): Promise<Manifest> {
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    const base = await deps.store.latest(name)
    await deps.idempotency.ensureIndexed(base)
    const next = tombstone(name, base, (deps.now ?? clock)())
    if (await writeOrLose(deps.store, next)) return next
    deps.onLostRace?.(name)
    if (attempt < deps.maxAttempts) await backOff(attempt)
  }
  throw new VersionConflict(`${name}: gave up after ${deps.maxAttempts} lost commit races`)
}

/** true when `next` is committed, false when another writer took its version first. */
async function writeOrLose(store: ManifestStore, next: Manifest): Promise<boolean> {
  try {
    await store.write(next)
    return true
  } catch (err) {
    if (err instanceof PreconditionFailed) return false
    throw err
  }
}

/**
 * Indexing right away saves the next lookup a step; it is not needed for correctness (the next
 * commit indexes this version anyway), so a failure here must not turn a done commit into an error.
 */
async function indexEagerly(idempotency: IdempotencyIndex, committed: Manifest): Promise<void> {
  try {
    await idempotency.ensureIndexed(committed)
  } catch {
    // the next commit of this dataset indexes it (see ensureIndexed's rule)
  }
}
