import { assertValidName, NotFound } from '@lakehouse/shared'
import type {
  CommitRequest,
  CompactRequest,
  DatasetList,
  Manifest,
  VersionEntry,
} from '@lakehouse/shared/contracts/catalog.ts'
import pMap from 'p-map'
import { type CommitDeps, commitManifest, deleteDataset } from './commit.ts'
import { IdempotencyIndex } from './idempotency.ts'
import { ManifestStore } from './manifest-store.ts'
import type { CatalogStorage } from './storage-port.ts'

// The catalog as the routes see it: versioned dataset manifests in storage (DESIGN §5, §6).
// Nothing here outlives a restart that storage does not hold; every answer is read from storage,
// with committed manifests (immutable) served from memory once read.

export interface CatalogOptions {
  maxCommitAttempts: number
  manifestCacheEntries: number
  now?: () => string
  /** Told after every commit that took (the Iceberg writer's background pass, ADR-016); never awaited. */
  onCommit?: (name: string) => void
  /** Told when a commit lost its version to another writer and retries (metrics, ADR-019). */
  onLostRace?: (name: string) => void
}

/** Manifests fetched at once when a listing needs many (a bound on fan-out, not on correctness). */
const READ_CONCURRENCY = 16

function readAll<T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
  return pMap(items, read, { concurrency: READ_CONCURRENCY })
}

export class Catalog {
  readonly #store: ManifestStore
  readonly #commit: CommitDeps
  readonly #onCommit: (name: string) => void

  constructor(storage: CatalogStorage, options: CatalogOptions) {
    this.#store = new ManifestStore(storage, options.manifestCacheEntries)
    this.#onCommit = options.onCommit ?? (() => undefined)
    const idempotency = new IdempotencyIndex(storage, this.#store)
    this.#commit = {
      storage,
      store: this.#store,
      idempotency,
      maxAttempts: options.maxCommitAttempts,
      ...(options.now ? { now: options.now } : {}),
      ...(options.onLostRace ? { onLostRace: options.onLostRace } : {}),
    }
  }

  /**
   * Latest manifests of live datasets, and the generation: the number of manifest objects, which
   * every commit (create, append, replace, delete) raises by exactly one (ADR-005).
   */
  async listDatasets(): Promise<DatasetList> {
    const { latest, total } = await this.#store.snapshot()
    const names = [...latest.keys()].filter((name) => (latest.get(name) as number) > 0).sort()
    const manifests = await readAll(names, (name) => this.#store.read(name, latest.get(name) as number))
    const datasets = manifests.filter((m): m is Manifest => m !== undefined && !m.deleted)
    return { datasets, generation: total }
  }

  async generation(): Promise<number> {
    return (await this.#store.snapshot()).total
  }

  /** The latest version, or the given one; NotFound when absent, deleted, or a tombstone. */
  async getManifest(name: string, version?: number): Promise<Manifest> {
    assertValidName(name, 'dataset name')
    const manifest = version === undefined ? await this.#store.latest(name) : await this.#store.read(name, version)
    if (!manifest) {
      throw new NotFound(version === undefined ? `dataset ${name} does not exist` : `${name} has no version ${version}`)
    }
    if (manifest.deleted) throw new NotFound(`dataset ${name} is deleted (version ${manifest.version})`)
    return manifest
  }

  /** Every version, deleted ones included: history stays readable after a delete. */
  async listVersions(name: string): Promise<{ name: string; versions: VersionEntry[] }> {
    assertValidName(name, 'dataset name')
    const numbers = await this.#store.versions(name)
    if (numbers.length === 0) throw new NotFound(`dataset ${name} does not exist`)
    const manifests = await readAll(numbers, (version) => this.#store.read(name, version))
    const versions = manifests
      .filter((m): m is Manifest => m !== undefined)
      .map((m) => ({
        version: m.version,
        operation: m.operation,
        row_count: m.row_count,
        committed_at: m.committed_at,
      }))
    return { name, versions }
  }

  async commit(name: string, request: CommitRequest | CompactRequest): Promise<Manifest> {
    assertValidName(name, 'dataset name')
    const committed = await commitManifest(this.#commit, name, request)
    this.#onCommit(name)
    return committed
  }

  /**
   * Swaps files for files holding the same rows (the compactor's commit, ADR-022): 409
   * compaction_conflict when any removed file is no longer in the latest version.
   */
  async rewrite(name: string, change: Omit<CompactRequest, 'operation'>): Promise<Manifest> {
    return this.commit(name, { operation: 'compact', ...change })
  }

  async deleteDataset(name: string): Promise<Manifest> {
    assertValidName(name, 'dataset name')
    const tombstone = await deleteDataset(this.#commit, name)
    this.#onCommit(name)
    return tombstone
  }

  /** Every committed version of `name`, oldest first (vacuum reads them all). */
  async history(name: string): Promise<Manifest[]> {
    const numbers = await this.#store.versions(name)
    const manifests = await readAll(numbers, (version) => this.#store.read(name, version))
    return manifests.filter((m): m is Manifest => m !== undefined)
  }
}
