import { PayloadTooLarge, UnknownModel } from '@lakehouse/shared'
import { type EmbedKind, type EmbedRequest, MAX_TEXT_BYTES } from '@lakehouse/shared/contracts/embed.ts'
import type { EmbedModel, ModelInfo } from './model.ts'
import { VectorCache, type VectorCacheOptions } from './vector-cache.ts'

// embedd's domain: texts in, vectors out, for a named model or the default one. Cached vectors are
// answered from the LRU; only the misses go to the model (and through its micro-batcher). Limits
// (DESIGN §5): 1..256 texts per request, 32 KiB of UTF-8 per text.

export const DEFAULT_KIND: EmbedKind = 'document'

/** The request without its wire encoding, which is the route's business. */
export type EmbedderRequest = Omit<EmbedRequest, 'encoding'>

export interface EmbedResult {
  model: string
  dim: number
  vectors: Float32Array[]
}

export interface EmbedderOptions {
  models: ReadonlyMap<string, EmbedModel>
  defaultModel: string
  cache: VectorCacheOptions
}

export class Embedder {
  readonly #models: ReadonlyMap<string, EmbedModel>
  readonly #defaultModel: string
  readonly cache: VectorCache

  constructor(options: EmbedderOptions) {
    this.#models = options.models
    this.#defaultModel = options.defaultModel
    this.cache = new VectorCache(options.cache)
  }

  get defaultModel(): string {
    return this.#defaultModel
  }

  listModels(): ModelInfo[] {
    return [...this.#models.values()].map((model) => model.info)
  }

  modelOf(name: string | undefined): EmbedModel {
    const model = this.#models.get(name ?? this.#defaultModel)
    if (!model)
      throw new UnknownModel(`unknown model ${JSON.stringify(name)}; one of ${[...this.#models.keys()].join(', ')}`)
    return model
  }

  /** No await before the model call: concurrent requests reach the batcher in the same tick. */
  async embed(request: EmbedderRequest): Promise<EmbedResult> {
    const model = this.modelOf(request.model)
    const kind = request.kind ?? DEFAULT_KIND
    request.texts.forEach((text, i) => {
      if (Buffer.byteLength(text) > MAX_TEXT_BYTES) {
        throw new PayloadTooLarge(`texts[${i}] is larger than ${MAX_TEXT_BYTES} bytes`)
      }
    })
    const keys = request.texts.map((text) => VectorCache.key(model.name, kind, text))
    const vectors = keys.map((key) => this.cache.get(key))
    const missing = vectors.flatMap((vector, i) => (vector === undefined ? [i] : []))
    if (missing.length > 0) {
      const fresh = await model.embed(
        missing.map((i) => request.texts[i] as string),
        kind,
      )
      missing.forEach((i, j) => {
        const vector = fresh[j] as Float32Array
        vectors[i] = vector
        this.cache.set(keys[i] as string, vector)
      })
    }
    return { model: model.name, dim: model.dim, vectors: vectors as Float32Array[] }
  }

  /** For /ready: the default model's provider answers. */
  pingDefault(): Promise<void> {
    return this.modelOf(this.#defaultModel).provider.ping()
  }

  async close(): Promise<void> {
    await Promise.all([...this.#models.values()].map((model) => model.provider.close()))
  }
}
