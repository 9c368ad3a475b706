import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { LRUCache } from 'lru-cache'
import { approxBytes, isEntry, type StoredVersion } from './commit-entry.ts'

// catalogd's memory of storage, bounded by bytes (ADR-020): every value here is an immutable fact
// (a committed version's stored object, the full manifest of a committed version), so the cache
// can be dropped at any time and never goes stale; a restart or a second replica reads the same.

export interface CacheBytes {
  /** Full manifests: each dataset's latest materialised version. */
  states: number
  /** Stored versions (commit entries and legacy manifests) by key. */
  versions: number
}

const sizeOfStored = (stored: StoredVersion): number =>
  isEntry(stored) ? approxBytes(stored.added, stored.removed) : approxBytes(stored.files)

export class CatalogCache {
  /** name -> the highest version of it materialised so far. */
  readonly states: LRUCache<string, Manifest>
  /** v<N>.json key -> its parsed object. */
  readonly versions: LRUCache<string, StoredVersion>

  /** `maxBytes` is shared: three quarters for full manifests, a quarter for stored versions. */
  constructor(maxBytes: number) {
    const stateBytes = Math.max(1, Math.floor((maxBytes * 3) / 4))
    this.states = new LRUCache({
      maxSize: stateBytes,
      // A manifest larger than the whole bound is served, not kept: the bound holds.
      maxEntrySize: stateBytes,
      sizeCalculation: (manifest) => approxBytes(manifest.files),
    })
    const versionBytes = Math.max(1, maxBytes - stateBytes)
    this.versions = new LRUCache({ maxSize: versionBytes, maxEntrySize: versionBytes, sizeCalculation: sizeOfStored })
  }

  /** Keeps `manifest` as its dataset's state unless a newer one is already kept. */
  rememberState(manifest: Manifest): void {
    const kept = this.states.peek(manifest.name)
    if (!kept || kept.version <= manifest.version) this.states.set(manifest.name, manifest)
  }

  bytes(): CacheBytes {
    return { states: this.states.calculatedSize, versions: this.versions.calculatedSize }
  }
}
