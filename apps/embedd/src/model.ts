import type { EmbedKind } from '@lakehouse/shared/contracts/embed.ts'
import type { EmbeddingProvider } from './provider.ts'
import { badAnswer } from './upstream-errors.ts'

// One configured model: a provider, the dimension it must answer with, and (for remote providers)
// how its upstream calls are batched (embedder.ts). Every vector is checked here, whoever produced it: the right count,
// exactly `dim` finite numbers. A wrong dimension is a provider error, never truncated or padded.
// Vectors leave as float32, the precision every index stores, so a cached vector equals a fresh one.

export interface BatchingOptions {
  windowMs: number
  maxBatch: number
}

export interface ModelInfo {
  name: string
  provider: string
  dim: number
}

export class EmbedModel {
  readonly name: string
  readonly dim: number
  readonly provider: EmbeddingProvider
  readonly batching: BatchingOptions | undefined

  constructor(name: string, dim: number, provider: EmbeddingProvider, batching: BatchingOptions | undefined) {
    this.name = name
    this.dim = dim
    this.provider = provider
    this.batching = batching
  }

  get info(): ModelInfo {
    return { name: this.name, provider: this.provider.kind, dim: this.dim }
  }

  /** Vectors for `texts`, checked; one upstream call (batching happens in front, in embedder.ts). */
  async embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
    const vectors = await this.provider.embed(texts, kind)
    const label = { provider: this.provider.kind, model: this.name }
    if (vectors.length !== texts.length) {
      throw badAnswer(label, `${vectors.length} vectors for ${texts.length} texts`)
    }
    return Array.from({ length: texts.length }, (_, i) => {
      const vector = vectors[i]
      if (vector === undefined || vector.length !== this.dim) {
        throw badAnswer(label, `a vector of ${vector?.length ?? 0} dimensions, configured dim is ${this.dim}`)
      }
      const out = vector instanceof Float32Array ? vector : Float32Array.from(vector)
      if (!isAllFinite(out)) throw badAnswer(label, 'a vector with a non-finite value')
      return out
    })
  }
}

/** A plain loop: `every(Number.isFinite)` cost ~5 ms per 256 × 768 batch, a third of the embedding. */
function isAllFinite(vector: Float32Array): boolean {
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number
    // NaN and ±Infinity are the values for which x - x is not 0.
    if (value - value !== 0) return false
  }
  return true
}
