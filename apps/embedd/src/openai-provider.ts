import type { EmbedModelConfig } from '@lakehouse/shared/config/sections/embed.ts'
import OpenAI from 'openai'
import { type EmbeddingProvider, prefixesFor } from './provider.ts'
import { badAnswer, statusFailure, timedOut, type UpstreamLabel, unavailable } from './upstream-errors.ts'

// Any OpenAI-compatible POST /v1/embeddings server through the `openai` package, which already does
// what we need: a per-request timeout and bounded retries with exponential backoff on connection
// errors, 408/409/429 and 5xx (its maxRetries / timeout options). encoding_format is asked as
// "float" because compatible servers do not all speak the package's default base64.

type OpenAIModel = Extract<EmbedModelConfig, { provider: 'openai' }>

const PING_TIMEOUT_MS = 1_500

export function createOpenAIProvider(name: string, config: OpenAIModel, apiKey: string): EmbeddingProvider {
  const model = config.model ?? name
  const label: UpstreamLabel = { provider: 'openai', model, secret: apiKey || undefined }
  const prefixes = prefixesFor(model, config)
  const client = new OpenAI({
    // A local compatible server may need no key; the package insists on one, so send a placeholder.
    apiKey: apiKey || 'no-key',
    baseURL: config.base_url,
    timeout: config.timeout_ms,
    maxRetries: config.max_retries,
  })

  const fail = (err: unknown): never => {
    if (err instanceof OpenAI.APIConnectionTimeoutError) throw timedOut(label, config.timeout_ms)
    if (err instanceof OpenAI.APIConnectionError) throw unavailable(label, 'connection failed')
    if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
      throw statusFailure(label, err.status, err.message)
    }
    throw badAnswer(label, (err as Error).message)
  }

  return {
    kind: 'openai',
    async embed(texts, kind) {
      const prefix = prefixes[kind]
      const input = texts.map((text) => prefix + text)
      const response = await client.embeddings.create({ model, input, encoding_format: 'float' }).catch(fail)
      if (!Array.isArray(response?.data)) throw badAnswer(label, 'no data in the response')
      // The API promises one item per input with its index; order by it rather than trust the order.
      const vectors: number[][] = new Array(texts.length)
      for (const item of response.data) {
        if (!Number.isInteger(item.index) || item.index < 0 || item.index >= texts.length) {
          throw badAnswer(label, `an item has index ${item.index}`)
        }
        vectors[item.index] = item.embedding
      }
      return vectors
    },
    async ping() {
      await client.models.list({ timeout: PING_TIMEOUT_MS, maxRetries: 0 }).catch(fail)
    },
    async close() {},
  }
}
