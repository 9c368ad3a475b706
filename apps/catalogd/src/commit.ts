import { InvalidRequest, LakehouseError, PreconditionFailed, VersionConflict } from '@lakehouse/shared'
import type { CommitRequest, CompactRequest, Manifest, SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
import pMap from 'p-map'
import { backOff } from './backoff.ts'
import type { IdempotencyIndex } from './idempotency.ts'
import type { ManifestStore } from './manifest-store.ts'
import { assertFilesBelong, nextManifest, sameSchema, tombstone } from './next-manifest.ts'
import type { CatalogStorage } from './storage-port.ts'

// The commit protocol of DESIGN §6 (ADR-005, ADR-020): take the latest version N, write N+1
// create-only; a 412 means another writer took N+1, so wait a jittered moment, reload and
// re-apply. The create-only write is the one commit point: a crash before it commits nothing, a
// crash after it loses nothing. The first attempt takes N from memory without asking storage (the
// create-only write is the check), and the reads it still needs run side by side, so a commit
// without a race costs two round trips in a row: {file HEADs ∥ idempotency GET}, then the write.

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

/**
 * The manifest an earlier commit of the request's idempotency key produced. Sound against `base`
 * only: versions below it were indexed before it was written, and it is checked itself; a commit
 * of the key above `base` makes this attempt's write lose, and the retry looks again.
 */
async function findEarlier(deps: CommitDeps, name: string, key: string | undefined, base: Manifest | undefined) {
  if (key === undefined) return undefined
  if (base?.idempotency_key === key) return base
  const version = await deps.idempotency.lookup(name, key)
  if (version === undefined) return undefined
  const earlier = await deps.store.read(name, version)
  return earlier?.idempotency_key === key ? earlier : undefined
}

/**
 * Runs `attempt` against the latest version until its write takes. The first try takes the latest
 * from memory without asking storage (the create-only write is the check: a stale base only loses
 * the write); a rule that refuses a base from memory is asked again against storage, since the
 * refusal (expected_version, already exists, not found) may only be the staleness speaking.
 */
async function untilWritten(
  deps: CommitDeps,
  name: string,
  attempt: (base: Manifest | undefined, tries: number) => Promise<Manifest | { earlier: Manifest }>,
): Promise<Manifest> {
  let useMemory = true
  for (let tries = 0; tries < deps.maxAttempts; ) {
    const cached = useMemory ? deps.store.cachedLatest(name) : undefined
    useMemory = false
    const base = cached ?? (await deps.store.latest(name))
    let next: Manifest | { earlier: Manifest }
    try {
      next = await attempt(base, tries)
    } catch (err) {
      if (cached && err instanceof LakehouseError) continue
      throw err
    }
    if ('earlier' in next) return next.earlier
    tries++
    if (!base) await deps.store.ensureRegistered(name)
    if (await writeOrLose(deps.store, base, next)) return next
    deps.onLostRace?.(name)
    if (tries < deps.maxAttempts) await backOff(tries)
  }
  throw new VersionConflict(`${name}: gave up after ${deps.maxAttempts} lost commit races`)
}

/** A compaction (ADR-022) runs the same loop: its rule re-applies on top of whatever landed meanwhile. */
export async function commitManifest(
  deps: CommitDeps,
  name: string,
  request: CommitRequest | CompactRequest,
): Promise<Manifest> {
  const idempotencyKey = request.operation === 'compact' ? undefined : request.idempotency_key
  assertFilesBelong(name, request.files)
  const filesExist = assertFilesExist(deps.storage, request)
  // Awaited by every attempt (settled after the first); until then a refusal is not unhandled.
  filesExist.catch(() => undefined)
  let seenSchema: SchemaField[] | undefined
  const committed = await untilWritten(deps, name, async (base, tries) => {
    // The rule that keeps the idempotency index complete: version N is indexed before N+1 is written.
    const [earlier] = await Promise.all([
      findEarlier(deps, name, idempotencyKey, base),
      deps.idempotency.ensureIndexed(base),
      filesExist,
    ])
    if (earlier) return { earlier }
    if (tries === 0) seenSchema = base && !base.deleted ? base.schema : undefined
    else assertSchemaSettled(request, seenSchema, base)
    return nextManifest(name, base, request, (deps.now ?? clock)())
  })
  deps.idempotency.indexInBackground(committed)
  return committed
}

export async function deleteDataset(deps: CommitDeps, name: string): Promise<Manifest> {
  return untilWritten(deps, name, async (base) => {
    await deps.idempotency.ensureIndexed(base)
    return tombstone(name, base, (deps.now ?? clock)())
  })
}

/** true when `next` is committed, false when another writer took its version first. */
async function writeOrLose(store: ManifestStore, base: Manifest | undefined, next: Manifest): Promise<boolean> {
  try {
    await store.write(base, next)
    return true
  } catch (err) {
    if (err instanceof PreconditionFailed) return false
    throw err
  }
}
