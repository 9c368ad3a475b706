import { assertValidName, NotFound } from '@lakehouse/shared'
import type {
  CommitRequest,
  CompactRequest,
  DatasetList,
  Manifest,
  VersionEntry,
} from '@lakehouse/shared/contracts/catalog.ts'
import pMap from 'p-map'
import type { CacheBytes } from './catalog-cache.ts'
import { type CommitDeps, commitManifest, deleteDataset } from './commit.ts'
import { addedFiles, type StoredVersion } from './commit-entry.ts'
import { IdempotencyIndex } from './idempotency.ts'
import { ManifestStore } from './manifest-store.ts'
import type { CatalogStorage } from './storage-port.ts'

// The catalog as the routes see it: versioned dataset manifests in storage (DESIGN §5, §6).
// Nothing here outlives a restart that storage does not hold; every answer is read from storage,
// with committed manifests (immutable) served from memory once read.

export interface CatalogOptions {
  maxCommitAttempts: number
  /** Bytes of manifests and stored versions kept in memory (ADR-020). */
  cacheBytes: number
  /** A full-state checkpoint after every this many versions (ADR-020). */
  checkpointInterval: number
  now?: () => string
  /** Told after every commit that took (the Iceberg writer's background pass, ADR-016); never awaited. */
  onCommit?: (name: string) => void
  /** Told when a commit lost its version to another writer and retries (metrics, ADR-019). */
  onLostRace?: (name: string) => void
}

/** Stored versions vacuum reads per step when it walks a dataset's retained history. */
const RETENTION_BATCH = 256

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
    this.#store = new ManifestStore(storage, {
      cacheBytes: options.cacheBytes,
      checkpointInterval: options.checkpointInterval,
    })
    this.#onCommit = options.onCommit ?? (() => undefined)
    const idempotency = new IdempotencyIndex(storage)
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
    // The stored objects carry the header; no version's file list is rebuilt for this.
    const stored = await readAll(numbers, (version) => this.#store.stored(name, version))
    const versions = stored
      .filter((m) => m !== undefined)
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

  /**
   * Every committed version of `name`, oldest first (the Iceberg writer derives from it). Rebuilt
   * by replay: the file lists share their DataFile objects, but the whole history is in memory
   * while the caller holds it.
   */
  async history(name: string): Promise<Manifest[]> {
    const latest = (await this.#store.versions(name)).at(-1) ?? 0
    const manifests: Manifest[] = []
    for await (const manifest of this.#store.walk(name, 1, latest)) manifests.push(manifest)
    return manifests
  }

  /**
   * Data files vacuum must keep for `name` (ADR-020): those of every version that was the latest
   * at some moment after `cutoffMs` — the latest itself, and each version superseded after the
   * cutoff — so a reader that started within the grace period still finds its files.
   */
  async retainedFiles(name: string, cutoffMs: number): Promise<Set<string>> {
    const keys = new Set<string>()
    const latest = await this.#store.latestVersion(name)
    if (latest === 0) return keys
    const oldest = await this.#oldestRetained(name, latest, cutoffMs)
    const first = await this.#store.read(name, oldest)
    for (const file of first?.files ?? []) keys.add(file.key)
    for (let low = oldest + 1; low <= latest; low += RETENTION_BATCH) {
      const high = Math.min(latest, low + RETENTION_BATCH - 1)
      for (const stored of await this.#store.storedRange(name, low, high)) {
        for (const file of addedFiles(stored)) keys.add(file.key)
      }
    }
    return keys
  }

  /** The newest version committed before the cutoff (still the latest at the cutoff), else 1. */
  async #oldestRetained(name: string, latest: number, cutoffMs: number): Promise<number> {
    for (let high = latest; high >= 1; high -= RETENTION_BATCH) {
      const low = Math.max(1, high - RETENTION_BATCH + 1)
      const batch = await this.#store.storedRange(name, low, high)
      for (let i = batch.length - 1; i >= 0; i--) {
        if (Date.parse((batch[i] as StoredVersion).committed_at) < cutoffMs) return low + i
      }
    }
    return 1
  }

  cacheBytes(): CacheBytes & { idempotency: number } {
    return { ...this.#store.cacheBytes(), idempotency: this.#commit.idempotency.cacheBytes() }
  }

  /** Waits for the writes a commit leaves behind its acknowledgement (checkpoints, index entries). */
  async settle(): Promise<void> {
    await Promise.all([this.#store.settle(), this.#commit.idempotency.settle()])
  }
}
