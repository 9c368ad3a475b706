import { createHash } from 'node:crypto'
import type { EmbedKind } from '@lakehouse/shared/contracts/embed.ts'
import { LRUCache } from 'lru-cache'

// Vectors already computed (or being computed), keyed by (model, kind, sha256(text)), bounded by
// entries and by bytes across every model (lru-cache evicts least recently used first). The text
// itself is never kept, only its hash. DataLoader caches the promise of a vector, so a text asked
// for twice while its first call is in flight costs one upstream call; `cacheMapOf` gives each
// (model, kind) loader its view of the one LRU (ADR-012).

/**
 * What an entry costs beyond its float32s and its key, measured: 100,000 cached 768-dim vectors
 * took 4,065 B of RSS each (the vector's 3,072 B, its backing store's malloc header, the typed
 * array and promise objects, the key, lru-cache's slots), where 160 B of overhead was counted
 * before; the gap let a 256 MiB cache hold ~330 MB (issue 18's soak, ADR-023).
 */
export const ENTRY_OVERHEAD_BYTES = 1024

export interface VectorCacheOptions {
  maxEntries: number
  maxBytes: number
}

/** The map shape DataLoader's `cacheMap` option takes. */
export interface LoaderCacheMap {
  get(key: string): Promise<Float32Array> | undefined
  set(key: string, value: Promise<Float32Array>): unknown
  delete(key: string): unknown
  clear(): unknown
}

export class VectorCache {
  readonly #lru: LRUCache<string, Promise<Float32Array>> | undefined
  readonly maxBytes: number
  /** Lookups that found a vector (or its promise in flight), and those that did not (metrics). */
  hits = 0
  misses = 0

  constructor(options: VectorCacheOptions) {
    this.maxBytes = options.maxEntries > 0 ? options.maxBytes : 0
    this.#lru =
      options.maxEntries > 0 ? new LRUCache({ max: options.maxEntries, maxSize: options.maxBytes }) : undefined
  }

  get isEnabled(): boolean {
    return this.#lru !== undefined
  }

  static textKey(text: string): string {
    return createHash('sha256').update(text).digest('base64')
  }

  /** The loader-facing view for one model and kind; every entry is `dim` float32s plus its key. */
  cacheMapOf(model: string, dim: number, kind: EmbedKind): LoaderCacheMap {
    const lru = this.#lru as LRUCache<string, Promise<Float32Array>>
    const prefix = `${model}\u0000${kind}\u0000`
    return {
      get: (key) => {
        const found = lru.get(prefix + key)
        if (found) this.hits += 1
        else this.misses += 1
        return found
      },
      set: (key, value) =>
        lru.set(prefix + key, value, { size: dim * 4 + (prefix + key).length * 2 + ENTRY_OVERHEAD_BYTES }),
      delete: (key) => lru.delete(prefix + key),
      // DataLoader's clearAll() of one loader must not empty the other models' entries.
      clear: () => {
        for (const key of [...lru.keys()]) if (key.startsWith(prefix)) lru.delete(key)
      },
    }
  }

  get size(): number {
    return this.#lru?.size ?? 0
  }

  get bytes(): number {
    return this.#lru?.calculatedSize ?? 0
  }

  /** For /ready and the metrics: how full the cache is against its configured byte limit. */
  get figures(): { entries: number; bytes: number; max_bytes: number } {
    return { entries: this.size, bytes: this.bytes, max_bytes: this.maxBytes }
  }
}
