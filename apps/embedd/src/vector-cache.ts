import { createHash } from 'node:crypto'
import type { EmbedKind } from '@lakehouse/shared/contracts/embed.ts'
import { LRUCache } from 'lru-cache'

// Vectors already computed, keyed by (model, kind, sha256(text)), bounded by entries and by bytes
// (lru-cache evicts least recently used first). The text itself is never kept, only its hash.

const ENTRY_OVERHEAD_BYTES = 160

export interface VectorCacheOptions {
  maxEntries: number
  maxBytes: number
}

export class VectorCache {
  readonly #lru: LRUCache<string, Float32Array> | undefined

  constructor(options: VectorCacheOptions) {
    this.#lru =
      options.maxEntries > 0
        ? new LRUCache({
            max: options.maxEntries,
            maxSize: options.maxBytes,
            sizeCalculation: (vector, key) => vector.byteLength + key.length * 2 + ENTRY_OVERHEAD_BYTES,
          })
        : undefined
  }

  static key(model: string, kind: EmbedKind, text: string): string {
    return `${model}\u0000${kind}\u0000${createHash('sha256').update(text).digest('base64')}`
  }

  get(key: string): Float32Array | undefined {
    return this.#lru?.get(key)
  }

  set(key: string, vector: Float32Array): void {
    this.#lru?.set(key, vector)
  }

  get size(): number {
    return this.#lru?.size ?? 0
  }

  get bytes(): number {
    return this.#lru?.calculatedSize ?? 0
  }
}
