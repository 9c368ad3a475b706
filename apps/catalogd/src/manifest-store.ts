import { NAME_PATTERN, NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { highestDenseVersion } from '@lakehouse/shared/dense-versions.ts'
import pMap from 'p-map'
import { CatalogCache } from './catalog-cache.ts'
import { applyStored, entryOf, isSnapshot, parseStoredVersion, type StoredVersion } from './commit-entry.ts'
import {
  checkpointKey,
  DATASET_MARKERS_PREFIX,
  datasetMarkerKey,
  manifestKey,
  manifestPrefix,
  parseManifestKey,
} from './layout.ts'
import type { CatalogStorage } from './storage-port.ts'

// Reads and create-only writes of a dataset's versions (ADR-005, ADR-020). A version is stored as
// a commit entry (the change against the version before) and read by replaying entries from the
// nearest snapshot: the cached state, a checkpoint (every K versions, written after the commit),
// a reset entry or a legacy full manifest. Storage is the only truth: memory holds immutable facts
// (catalog-cache.ts) and a lower bound on each dataset's latest version (versions only grow).

/** Objects read at once: datasets probed, or versions of one dataset replayed. */
const READ_CONCURRENCY = 16

export interface ManifestStoreOptions {
  cacheBytes: number
  /** A checkpoint (full manifest) is written after every version that is a multiple of this. */
  checkpointInterval: number
}

export class ManifestStore {
  readonly #storage: CatalogStorage
  readonly #cache: CatalogCache
  readonly #interval: number
  /** name -> a version known to exist; the true latest is this or above. */
  readonly #latestHint = new Map<string, number>()
  /** Checkpoint writes in flight (off the commit's path); settle() waits for them. */
  readonly #background = new Set<Promise<void>>()

  constructor(storage: CatalogStorage, options: ManifestStoreOptions) {
    this.#storage = storage
    this.#cache = new CatalogCache(options.cacheBytes)
    this.#interval = options.checkpointInterval
  }

  cacheBytes() {
    return this.#cache.bytes()
  }

  /** The object stored at `version`, or undefined when that version does not exist. */
  async stored(name: string, version: number): Promise<StoredVersion | undefined> {
    const key = manifestKey(name, version)
    const cached = this.#cache.versions.get(key)
    if (cached) return cached
    const text = await this.#getText(key)
    if (text === undefined) return undefined
    const stored = parseStoredVersion(text, key)
    this.#cache.versions.set(key, stored)
    this.#raiseHint(name, version)
    return stored
  }

  /** The full manifest at `version`, or undefined when that version does not exist. */
  async read(name: string, version: number): Promise<Manifest | undefined> {
    const kept = this.#cache.states.get(name)
    if (kept?.version === version) return kept
    const top = await this.stored(name, version)
    if (!top) return undefined
    if (isSnapshot(top)) return this.#remember(applyStored(undefined, top))
    // Replay from the nearest state below: the cached one, else a checkpoint, else the history.
    let start = kept && kept.version < version ? kept : undefined
    const checkpoint = await this.#checkpointBelow(name, version, start?.version ?? 0)
    if (checkpoint.manifest) start = checkpoint.manifest
    if (start?.version === version) return this.#remember(start)
    const from = (start?.version ?? 0) + 1
    const middle = await this.storedRange(name, from, version - 1)
    let state = start
    for (const stored of [...middle, top]) {
      state = applyStored(state, stored)
      if (state.version === checkpoint.missing) this.#writeCheckpoint(state)
    }
    return this.#remember(state as Manifest)
  }

  /** The latest full manifest already in memory (possibly stale): a commit's optimistic base. */
  cachedLatest(name: string): Manifest | undefined {
    const kept = this.#cache.states.get(name)
    return kept && kept.version === this.#latestHint.get(name) ? kept : undefined
  }

  /**
   * Writes `next` (on top of `base`, its version - 1) create-only; PreconditionFailed when that
   * version exists. The checkpoint that follows every K versions is not awaited.
   */
  async write(base: Manifest | undefined, next: Manifest): Promise<void> {
    const key = manifestKey(next.name, next.version)
    const entry = entryOf(base, next)
    try {
      await this.#storage.putIfAbsent(key, JSON.stringify(entry))
    } catch (err) {
      if (err instanceof PreconditionFailed) this.#raiseHint(next.name, next.version)
      throw err
    }
    this.#cache.versions.set(key, entry)
    this.#remember(next)
    if (next.version % this.#interval === 0) this.#writeCheckpoint(next)
  }

  /**
   * The highest committed version of `name` (0 when it never existed): one HEAD when the hint is
   * current, about 2·log2(distance) HEADs when it is behind or absent, whatever the history's length.
   */
  async latestVersion(name: string): Promise<number> {
    const hint = this.#latestHint.get(name)
    const exists = async (version: number) => (await this.#storage.head(manifestKey(name, version))) !== undefined
    const latest = await highestDenseVersion(exists, hint ?? 0)
    // A cold start trusts no hint: a version above the one found means storage lost an object in
    // between, and a commit must not be written into that gap (the full listing then says so).
    if (hint === undefined && (await this.#isAnyVersionAbove(name, latest))) return this.#listLatest(name)
    this.#raiseHint(name, latest)
    return latest
  }

  /** The latest manifest of `name`, deleted or not; undefined when it never existed. */
  async latest(name: string): Promise<Manifest | undefined> {
    const version = await this.latestVersion(name)
    if (version === 0) return undefined
    const manifest = await this.read(name, version)
    if (!manifest) throw new Error(`catalog/${name}: version ${version} was listed but cannot be read`)
    return manifest
  }

  /** Every committed version number of `name`, ascending. */
  async versions(name: string): Promise<number[]> {
    const versions: number[] = []
    for await (const object of this.#storage.list(manifestPrefix(name))) {
      const parsed = parseManifestKey(object.key)
      if (parsed?.name === name) versions.push(parsed.version)
    }
    if (versions.length > 0) this.#raiseHint(name, versions[versions.length - 1] as number)
    return versions
  }

  /** Every full manifest of `name` from `from` up to `to`, in order, one at a time (nothing kept). */
  async *walk(name: string, from: number, to: number): AsyncGenerator<Manifest> {
    if (from > to) return
    let state = from > 1 ? await this.read(name, from - 1) : undefined
    const BATCH = 256
    for (let low = from; low <= to; low += BATCH) {
      for (const stored of await this.storedRange(name, low, Math.min(to, low + BATCH - 1))) {
        state = applyStored(state, stored)
        yield state
      }
    }
  }

  /**
   * Registers `name` in catalog/_datasets/ before its first version is written, so that the set of
   * datasets can be listed without listing every version. A marker whose version 1 never landed
   * (a crash, a lost create) names a dataset with no versions, which every reader skips.
   */
  async ensureRegistered(name: string): Promise<void> {
    if (this.#latestHint.has(name)) return
    try {
      await this.#storage.putIfAbsent(datasetMarkerKey(name), '')
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
  }

  /**
   * Every dataset's latest version (0 for a marker without versions), and their sum: the number
   * of manifest objects, since versions are dense. Costs one listing of the markers plus one HEAD
   * per dataset once the hints are warm, whatever the length of the histories.
   */
  async snapshot(): Promise<{ latest: Map<string, number>; total: number }> {
    // Datasets already known are probed while the markers are listed, so a warm snapshot costs one
    // round trip to storage, not two: this call sits on the path of every query (queryd checks it).
    // Every probe starts after the caller asked, so it sees every commit acknowledged before.
    const early = new Map<string, Promise<number>>()
    for (const name of [...this.#latestHint.keys()].slice(0, READ_CONCURRENCY)) {
      const probe = this.latestVersion(name)
      // Handled where it is awaited; until then a failure must not count as an unhandled rejection.
      probe.catch(() => {})
      early.set(name, probe)
    }
    const listed: string[] = []
    try {
      for await (const object of this.#storage.list(DATASET_MARKERS_PREFIX)) {
        const name = object.key.slice(DATASET_MARKERS_PREFIX.length)
        if (NAME_PATTERN.test(name)) listed.push(name)
      }
    } catch (err) {
      await Promise.allSettled(early.values())
      throw err
    }
    const latest = new Map<string, number>()
    const rest = listed.filter((name) => !early.has(name))
    for (const name of listed) {
      const probe = early.get(name)
      if (probe) latest.set(name, await probe)
    }
    const versions = await pMap(rest, (name) => this.latestVersion(name), { concurrency: READ_CONCURRENCY })
    for (const [i, name] of rest.entries()) latest.set(name, versions[i] as number)
    let total = 0
    for (const version of latest.values()) total += version
    return { latest, total }
  }

  /** Waits for the checkpoint writes in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background])
  }

  async #getText(key: string): Promise<string | undefined> {
    try {
      return (await this.#storage.getBuffer(key)).toString('utf8')
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
  }

  /**
   * The newest checkpoint of `name` above `floor` and at or below `version`, trying older ones when
   * one is missing or unreadable (a crash after the commit, before its checkpoint); `missing` is the
   * newest one that should exist and does not, so the replay that passes it can write it.
   */
  async #checkpointBelow(name: string, version: number, floor: number) {
    let missing: number | undefined
    for (let at = Math.floor(version / this.#interval) * this.#interval; at > floor; at -= this.#interval) {
      const text = await this.#getText(checkpointKey(name, at)).catch(() => undefined)
      const manifest = text === undefined ? undefined : parseCheckpoint(text, name, at)
      if (manifest) return { manifest, missing }
      missing ??= at
    }
    return { manifest: undefined, missing }
  }

  /** Stored versions from..to (inclusive), in order; a missing one means storage lost an object. */
  async storedRange(name: string, from: number, to: number): Promise<StoredVersion[]> {
    const numbers = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)
    const stored = await pMap(numbers, (v) => this.stored(name, v), { concurrency: READ_CONCURRENCY })
    const gap = stored.indexOf(undefined)
    if (gap >= 0) throw new Error(`catalog/${name}: version ${from + gap} is missing below version ${to + 1}`)
    return stored as StoredVersion[]
  }

  #writeCheckpoint(manifest: Manifest): void {
    const write = this.#storage
      .putIfAbsent(checkpointKey(manifest.name, manifest.version), JSON.stringify(manifest))
      .then(
        () => undefined,
        // Lost race: another replica wrote the same bytes. Any other failure: readers fall back.
        () => undefined,
      )
      .finally(() => this.#background.delete(write))
    this.#background.add(write)
  }

  async #isAnyVersionAbove(name: string, version: number): Promise<boolean> {
    for await (const object of this.#storage.list(manifestPrefix(name), {
      after: manifestKey(name, version),
      pageSize: 1,
    })) {
      if (parseManifestKey(object.key)?.name === name) return true
    }
    return false
  }

  async #listLatest(name: string): Promise<number> {
    const versions = await this.versions(name)
    const latest = versions[versions.length - 1] ?? 0
    // Versions are dense from 1: a gap means storage lost an object, and no number here is right.
    if (versions.length !== latest)
      throw new Error(`catalog/${name}: versions are not dense (${versions.length}/${latest})`)
    return latest
  }

  #remember(manifest: Manifest): Manifest {
    this.#cache.rememberState(manifest)
    this.#raiseHint(manifest.name, manifest.version)
    return manifest
  }

  #raiseHint(name: string, version: number): void {
    if (version > (this.#latestHint.get(name) ?? 0)) this.#latestHint.set(name, version)
  }
}

/** A checkpoint is a full manifest of exactly that version, or it is ignored (damage, a foreign object). */
function parseCheckpoint(text: string, name: string, version: number): Manifest | undefined {
  try {
    const manifest = JSON.parse(text) as Manifest
    if (manifest.name === name && manifest.version === version && Array.isArray(manifest.files)) return manifest
  } catch {
    // unreadable: fall back to an earlier checkpoint
  }
  return undefined
}
