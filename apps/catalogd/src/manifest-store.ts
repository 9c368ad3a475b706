import { NAME_PATTERN, NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { LRUCache } from 'lru-cache'
import pMap from 'p-map'
import { DATASET_MARKERS_PREFIX, datasetMarkerKey, manifestKey, manifestPrefix, parseManifestKey } from './layout.ts'
import type { CatalogStorage } from './storage-port.ts'

// Reads and create-only writes of manifest objects. Storage is the only truth: the memory here is
// a cache of immutable facts (a committed manifest never changes) and a lower bound on each
// dataset's latest version (versions only grow), so a restart or a second replica reads the same.

/** Forward probes tried from a cached latest version before a full listing is cheaper. */
const MAX_PROBES = 4
/** Datasets whose latest version is checked at once when the whole catalog is read. */
const PROBE_CONCURRENCY = 16

export class ManifestStore {
  readonly #storage: CatalogStorage
  readonly #manifests: LRUCache<string, Manifest>
  /** name -> a version known to exist; the true latest is this or above. */
  readonly #latestHint = new Map<string, number>()

  constructor(storage: CatalogStorage, cacheEntries: number) {
    this.#storage = storage
    this.#manifests = new LRUCache({ max: cacheEntries })
  }

  /** The committed manifest at `version`, or undefined when that version does not exist. */
  async read(name: string, version: number): Promise<Manifest | undefined> {
    const key = manifestKey(name, version)
    const cached = this.#manifests.get(key)
    if (cached) return cached
    let bytes: Buffer
    try {
      bytes = await this.#storage.getBuffer(key)
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
    const manifest = JSON.parse(bytes.toString('utf8')) as Manifest
    this.#remember(key, manifest)
    return manifest
  }

  /** Writes `manifest` at its version, create-only; PreconditionFailed when that version exists. */
  async write(manifest: Manifest): Promise<void> {
    const key = manifestKey(manifest.name, manifest.version)
    await this.#storage.putIfAbsent(key, JSON.stringify(manifest))
    this.#remember(key, manifest)
  }

  /** The highest committed version of `name` (0 when it never existed). */
  async latestVersion(name: string): Promise<number> {
    const hint = this.#latestHint.get(name)
    if (hint === undefined) return this.#listLatest(name)
    // Versions are dense (N+1 is written only after N), so the latest is the last one before a gap.
    let version = hint
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      if (!(await this.#storage.head(manifestKey(name, version + 1)))) {
        this.#raiseHint(name, version)
        return version
      }
      version++
    }
    return this.#listLatest(name)
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
    for (const name of [...this.#latestHint.keys()].slice(0, PROBE_CONCURRENCY)) {
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
    const versions = await pMap(rest, (name) => this.latestVersion(name), { concurrency: PROBE_CONCURRENCY })
    for (const [i, name] of rest.entries()) latest.set(name, versions[i] as number)
    let total = 0
    for (const version of latest.values()) total += version
    return { latest, total }
  }

  async #listLatest(name: string): Promise<number> {
    const versions = await this.versions(name)
    const latest = versions[versions.length - 1] ?? 0
    // Versions are dense from 1: a gap means storage lost an object, and no number here is right.
    if (versions.length !== latest)
      throw new Error(`catalog/${name}: versions are not dense (${versions.length}/${latest})`)
    return latest
  }

  #remember(key: string, manifest: Manifest): void {
    this.#manifests.set(key, manifest)
    this.#raiseHint(manifest.name, manifest.version)
  }

  #raiseHint(name: string, version: number): void {
    if (version > (this.#latestHint.get(name) ?? 0)) this.#latestHint.set(name, version)
  }
}
