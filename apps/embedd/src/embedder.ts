import { PayloadTooLarge, UnknownModel } from '@lakehouse/shared'
import { type EmbedKind, type EmbedRequest, MAX_TEXT_BYTES, MAX_TEXTS } from '@lakehouse/shared/contracts/embed.ts'
import DataLoader from 'dataloader'
import type { EmbedModel, ModelInfo } from './model.ts'
import { VectorCache, type VectorCacheOptions } from './vector-cache.ts'

// embedd's domain: texts in, vectors out, for a named model or the default one. One DataLoader per
// (model, kind) batches the texts of concurrent requests into upstream calls (a window and a
// max_batch for remote models) and answers repeated texts from the LRU (ADR-012). Limits
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
  readonly #loaders = new Map<string, DataLoader<string, Float32Array, string>>()

  constructor(options: EmbedderOptions) {
    this.#models = options.models
    this.#defaultModel = options.defaultModel
    this.cache = new VectorCache(options.cache)
  }

  #loaderOf(model: EmbedModel, kind: EmbedKind): DataLoader<string, Float32Array, string> {
    const id = `${model.name}\u0000${kind}`
    let loader = this.#loaders.get(id)
    if (!loader) {
      const { batching } = model
      loader = new DataLoader((texts) => model.embed(texts, kind), {
        maxBatchSize: batching?.maxBatch ?? MAX_TEXTS,
        // Remote models wait a window for company; a local one sends what one tick gathered.
        ...(batching ? { batchScheduleFn: (send: () => void) => setTimeout(send, batching.windowMs) } : {}),
        cacheKeyFn: VectorCache.textKey,
        ...(this.cache.isEnabled ? { cacheMap: this.cache.cacheMapOf(model.name, model.dim, kind) } : { cache: false }),
      })
      this.#loaders.set(id, loader)
    }
    return loader
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

  /** No await before the loads: concurrent requests reach the loader in the same tick. */
  async embed(request: EmbedderRequest): Promise<EmbedResult> {
    const model = this.modelOf(request.model)
    const kind = request.kind ?? DEFAULT_KIND
    request.texts.forEach((text, i) => {
      if (Buffer.byteLength(text) > MAX_TEXT_BYTES) {
        throw new PayloadTooLarge(`texts[${i}] is larger than ${MAX_TEXT_BYTES} bytes`)
      }
    })
    const loader = this.#loaderOf(model, kind)
    const vectors = await Promise.all(request.texts.map((text) => loader.load(text)))
    return { model: model.name, dim: model.dim, vectors }
  }

  /** For /ready: the default model's provider answers. */
  pingDefault(): Promise<void> {
    return this.modelOf(this.#defaultModel).provider.ping()
  }

  async close(): Promise<void> {
    await Promise.all([...this.#models.values()].map((model) => model.provider.close()))
  }
}
