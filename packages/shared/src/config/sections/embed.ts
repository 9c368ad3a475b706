import { z } from 'zod'

// [embed]: embedd's models (ADR-008). Each [embed.models.<name>] table picks a provider; the built-in
// `hashing-768` model is always there, so the default needs no model, no download and no network.
// Switching to Ollama is configuration only: `default_model = "nomic-embed-text"` plus its table.
// An OpenAI-compatible server's key goes in secrets.toml as [embed.api_keys] <model> = "...": its own
// table, because every config file is validated on its own and a half model table would not pass.

const dim = z.number().int().min(2).max(16_384)
const url = z.url({ protocol: /^https?$/ })
const timeoutMs = z.number().int().positive().default(30_000)
/** Bounded retries on connection errors, 429 and 5xx, with exponential backoff (the client's own). */
const maxRetries = z.number().int().min(0).max(10).default(2)
const maxBatch = z.number().int().min(1).max(4096).default(64)

const hashingModelSchema = z.strictObject({
  provider: z.literal('hashing'),
  dim: dim.default(768),
})

const ollamaModelSchema = z.strictObject({
  provider: z.literal('ollama'),
  dim,
  /** The model's name at Ollama; unset means the table's own name. */
  model: z.string().min(1).optional(),
  host: url.default('http://127.0.0.1:11434'),
  /** Prepended by request kind; unset means the model's known prefixes (nomic-embed-text), else none. */
  query_prefix: z.string().optional(),
  document_prefix: z.string().optional(),
  timeout_ms: timeoutMs,
  max_retries: maxRetries,
  /** Texts per upstream call; concurrent requests are coalesced up to this many. */
  max_batch: maxBatch,
})

const openaiModelSchema = z.strictObject({
  provider: z.literal('openai'),
  dim,
  model: z.string().min(1).optional(),
  base_url: url.default('https://api.openai.com/v1'),
  query_prefix: z.string().optional(),
  document_prefix: z.string().optional(),
  timeout_ms: timeoutMs,
  max_retries: maxRetries,
  max_batch: maxBatch,
})

export const embedModelSchema = z.discriminatedUnion('provider', [
  hashingModelSchema,
  ollamaModelSchema,
  openaiModelSchema,
])
export type EmbedModelConfig = z.infer<typeof embedModelSchema>

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

export const embedSectionSchema = z.strictObject({
  default_model: z.string().min(1).default('hashing-768'),
  models: z
    .record(z.string().regex(MODEL_NAME, 'model names are letters, digits and ._:-'), embedModelSchema)
    .default({}),
  /** Keys of openai-provider models by model name; secrets.toml only. */
  api_keys: z.record(z.string(), z.string()).default({}),
  /** How long a request to a remote provider waits for concurrent ones to share its upstream call. */
  batch_window_ms: z.number().int().min(0).max(1_000).default(5),
  /** LRU cache of vectors keyed by (model, kind, sha256(text)); 0 entries turns it off. */
  cache_max_entries: z.number().int().min(0).default(100_000),
  /** The cache's size in bytes, counted per entry as its float32s, its key and the measured
   * overhead of its entry: 64 MiB holds ~20,000 vectors of 768 (ADR-023, ADR-036). */
  cache_max_bytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
})
