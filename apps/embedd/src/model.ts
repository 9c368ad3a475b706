import type { EmbedKind } from '@lakehouse/shared/contracts/embed.ts'
import { type BatcherOptions, MicroBatcher } from './batcher.ts'
import type { EmbeddingProvider } from './provider.ts'
import { badAnswer } from './upstream-errors.ts'

// One configured model: a provider, the dimension it must answer with, and (when batching is given,
// i.e. for remote providers) one micro-batcher per kind. Every vector is checked here, whoever produced it: the right count,
// exactly `dim` finite numbers. A wrong dimension is a provider error, never truncated or padded.
// Vectors leave as float32, the precision every index stores, so a cached vector equals a fresh one.

export interface ModelInfo {
  name: string
  provider: string
  dim: number
}

export class EmbedModel {
  readonly name: string
  readonly dim: number
  readonly provider: EmbeddingProvider
  readonly #batchers: Map<EmbedKind, MicroBatcher<Float32Array>> | undefined

  constructor(name: string, dim: number, provider: EmbeddingProvider, batching: BatcherOptions | undefined) {
    this.name = name
    this.dim = dim
    this.provider = provider
    if (batching) {
      const kinds: EmbedKind[] = ['query', 'document']
      this.#batchers = new Map(
        kinds.map((kind) => [kind, new MicroBatcher((texts) => this.#embedChecked(texts, kind), batching)]),
      )
    }
  }

  get info(): ModelInfo {
    return { name: this.name, provider: this.provider.kind, dim: this.dim }
  }

  embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
    const batcher = this.#batchers?.get(kind)
    return batcher ? batcher.embed(texts) : this.#embedChecked(texts, kind)
  }

  async #embedChecked(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
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
      if (!out.every(Number.isFinite)) throw badAnswer(label, 'a vector with a non-finite value')
      return out
    })
  }
}
