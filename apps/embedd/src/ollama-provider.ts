import { Readable } from 'node:stream'
import type { EmbedModelConfig } from '@lakehouse/shared/config/sections/embed.ts'
import { Ollama } from 'ollama'
import { Agent, type Dispatcher, RetryAgent, request } from 'undici'
import { type EmbeddingProvider, prefixesFor } from './provider.ts'
import { badAnswer, statusFailure, transportFailure, type UpstreamLabel } from './upstream-errors.ts'

// Ollama through the `ollama` package, batched on POST /api/embed {model, input: [...]}. The package
// has no timeout or retry of its own but takes a fetch; it gets one built on undici's request() over
// a RetryAgent, which retries connection errors, 429 and 5xx with exponential backoff (POST included:
// embedding is idempotent), and an Agent whose header/body timeouts bound every attempt. request()
// rather than undici's fetch because fetch turns the body into a stream, which cannot be replayed.

type OllamaModel = Extract<EmbedModelConfig, { provider: 'ollama' }>

const RETRY_MIN_MS = 250
const RETRY_MAX_MS = 4_000
const PING_TIMEOUT_MS = 1_500

/** The fetch the ollama package calls: string bodies only (all it sends), answered as a web Response. */
function fetchVia(dispatcher: Dispatcher): typeof fetch {
  return (async (input: string, init: RequestInit = {}) => {
    const answer = await request(input, {
      dispatcher,
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
      signal: init.signal ?? undefined,
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) headers.append(name, one)
    }
    const hasBody = answer.statusCode !== 204 && answer.statusCode !== 304
    const body = hasBody ? (Readable.toWeb(answer.body) as ReadableStream) : null
    if (!hasBody) await answer.body.dump()
    return new Response(body, { status: answer.statusCode, headers })
  }) as typeof fetch
}

interface ResponseErrorLike {
  name: string
  status_code: number
  error: string
}

const isResponseError = (err: unknown): err is ResponseErrorLike =>
  (err as { name?: string }).name === 'ResponseError' && typeof (err as ResponseErrorLike).status_code === 'number'

export function createOllamaProvider(name: string, config: OllamaModel): EmbeddingProvider {
  const model = config.model ?? name
  const label: UpstreamLabel = { provider: 'ollama', model }
  const prefixes = prefixesFor(model, config)
  const agent = new Agent({
    headersTimeout: config.timeout_ms,
    bodyTimeout: config.timeout_ms,
    connectTimeout: config.timeout_ms,
  })
  const retrying = new RetryAgent(agent, {
    maxRetries: config.max_retries,
    minTimeout: RETRY_MIN_MS,
    maxTimeout: RETRY_MAX_MS,
    methods: ['POST', 'GET'],
    // The last answer goes back to the client as it is, so a 5xx stays a status, not a retry error.
    throwOnError: false,
  })
  const client = new Ollama({ host: config.host, fetch: fetchVia(retrying) })
  const pingAgent = new Agent({ headersTimeout: PING_TIMEOUT_MS, bodyTimeout: PING_TIMEOUT_MS })
  const pingClient = new Ollama({ host: config.host, fetch: fetchVia(pingAgent) })

  const fail = (err: unknown): never => {
    if (isResponseError(err)) throw statusFailure(label, err.status_code, err.error)
    if (err instanceof SyntaxError) throw badAnswer(label, 'the response is not JSON')
    throw transportFailure(label, err, config.timeout_ms)
  }

  return {
    kind: 'ollama',
    async embed(texts, kind) {
      const prefix = prefixes[kind]
      const input = texts.map((text) => prefix + text)
      const response = await client.embed({ model, input }).catch(fail)
      if (!Array.isArray(response?.embeddings)) throw badAnswer(label, 'no embeddings in the response')
      return response.embeddings
    },
    async ping() {
      const listed = await pingClient.list().catch(fail)
      const names = new Set(listed.models.map((m) => m.name))
      if (!names.has(model) && !names.has(`${model}:latest`)) {
        throw badAnswer(label, `the model is not pulled (ollama pull ${model})`)
      }
    },
    async close() {
      await Promise.all([retrying.close(), pingAgent.close()])
    },
  }
}
