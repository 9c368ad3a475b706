import { hash } from 'node:crypto'
import type { EmbedKind } from '@lakehouse/shared/contracts/embed.ts'
import { LRUCache } from 'lru-cache'
import { VectorSlots } from './vector-slots.ts'

// Vectors already computed (or being computed), keyed by (model, kind, sha256(text)), bounded by
// entries and by bytes across every model (lru-cache evicts least recently used first). The text
// itself is never kept, only its hash. DataLoader caches the promise of a vector, so a text asked
// for twice while its first call is in flight costs one upstream call; `cacheMapOf` gives each
// (model, kind) loader its view of the one LRU (ADR-012). A vector in flight is held as its promise;
// once it resolves, its float32s are copied into a slot of the store for its dimension and the
// promise let go (ADR-036), and a hit is answered with a fresh copy of the slot.

/**
 * What an entry costs beyond its float32s and its key, measured (ADR-036): 100,000 cached 768-dim
 * vectors took 130 B each of V8 heap (the LRU's map entry, the record of the slot, the key's
 * header), plus the LRU's slot arrays, allocated for `max` entries up front (~28 B each at the
 * default); the float32s themselves are in pages allocated once.
 */
export const ENTRY_OVERHEAD_BYTES = 160

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

interface CachedVector {
  slots: VectorSlots
  slot: number
}

export class VectorCache {
  readonly #lru: LRUCache<string, CachedVector> | undefined
  readonly #inFlight = new Map<string, Promise<Float32Array>>()
  readonly #slotsByDim = new Map<number, VectorSlots>()
  readonly maxBytes: number
  /** Lookups that found a vector (or its promise in flight), and those that did not (metrics). */
  hits = 0
  misses = 0

  constructor(options: VectorCacheOptions) {
    this.maxBytes = options.maxEntries > 0 ? options.maxBytes : 0
    this.#lru =
      options.maxEntries > 0
        ? new LRUCache<string, CachedVector>({
            max: options.maxEntries,
            maxSize: options.maxBytes,
            dispose: (entry) => entry.slots.release(entry.slot),
          })
        : undefined
  }

  get isEnabled(): boolean {
    return this.#lru !== undefined
  }

  static textKey(text: string): string {
    return hash('sha256', text, 'base64')
  }

  /** The loader-facing view for one model and kind; every entry is `dim` float32s plus its key. */
  cacheMapOf(model: string, dim: number, kind: EmbedKind): LoaderCacheMap {
    const lru = this.#lru as LRUCache<string, CachedVector>
    const inFlight = this.#inFlight
    const slots = this.#slotsOf(dim)
    const prefix = `${model}\u0000${kind}\u0000`
    const find = (key: string): Promise<Float32Array> | undefined => {
      const pending = inFlight.get(key)
      if (pending) return pending
      const cached = lru.get(key)
      return cached ? Promise.resolve(cached.slots.read(cached.slot)) : undefined
    }
    const keep = (key: string, vector: Float32Array) => {
      const size = dim * 4 + key.length * 2 + ENTRY_OVERHEAD_BYTES
      // One that could never fit is not stored (lru-cache would refuse it after the copy).
      if (size > this.maxBytes) return
      lru.set(key, { slots, slot: slots.store(vector) }, { size })
    }
    return {
      get: (key) => {
        const found = find(prefix + key)
        if (found) this.hits += 1
        else this.misses += 1
        return found
      },
      set: (key, value) => {
        const full = prefix + key
        inFlight.set(full, value)
        // Only the promise this set made is settled here: a delete or a later set replaced it.
        value.then(
          (vector) => {
            if (inFlight.get(full) !== value) return
            inFlight.delete(full)
            keep(full, vector)
          },
          () => {
            if (inFlight.get(full) === value) inFlight.delete(full)
          },
        )
      },
      delete: (key) => {
        inFlight.delete(prefix + key)
        lru.delete(prefix + key)
      },
      // DataLoader's clearAll() of one loader must not empty the other models' entries.
      clear: () => {
        for (const key of [...inFlight.keys()]) if (key.startsWith(prefix)) inFlight.delete(key)
        for (const key of [...lru.keys()]) if (key.startsWith(prefix)) lru.delete(key)
      },
    }
  }

  #slotsOf(dim: number): VectorSlots {
    let slots = this.#slotsByDim.get(dim)
    if (!slots) {
      slots = new VectorSlots(dim)
      this.#slotsByDim.set(dim, slots)
    }
    return slots
  }

  get size(): number {
    return this.#lru?.size ?? 0
  }

  get bytes(): number {
    return this.#lru?.calculatedSize ?? 0
  }

  /** The float32 pages allocated for the cache, in use or free: its memory beyond the LRU itself. */
  get pageBytes(): number {
    let bytes = 0
    for (const slots of this.#slotsByDim.values()) bytes += slots.bytes
    return bytes
  }

  /** For /ready and the metrics: how full the cache is against its configured byte limit. */
  get figures(): { entries: number; bytes: number; max_bytes: number; page_bytes: number } {
    return { entries: this.size, bytes: this.bytes, max_bytes: this.maxBytes, page_bytes: this.pageBytes }
  }
}
