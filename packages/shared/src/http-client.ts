import type { Readable } from 'node:stream'
import { type Dispatcher, Pool, errors as undiciErrors } from 'undici'
import type { Config } from './config/schema.ts'
import type { PeerDaemon } from './daemons.ts'
import { errorFromBody, type LakehouseError, UpstreamUnavailable } from './errors.ts'
import { currentRequestId } from './request-context.ts'
import { transportError } from './transport-errors.ts'

// The one HTTP client base every daemon client is built on (storage, catalog, query, embed, ...):
// a keep-alive pool per peer, a deadline per request, the caller's request id and the service
// token on every call, and the peer's error shape turned back into the typed error it was.
// A peer that cannot be reached is 503 upstream_unavailable; one that does not answer in time is
// 504 upstream_timeout. Nothing here retries: whether a call is safe to repeat is the caller's call.

export interface ServiceClientOptions {
  service: string
  baseUrl: string
  token?: string
  timeoutMs?: number
}

export interface RequestOptions {
  method: Dispatcher.HttpMethod
  path: string
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** A JSON body; sets content-type. */
  json?: unknown
  /** A raw body, streamed as given. */
  body?: string | Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>
  timeoutMs?: number
  signal?: AbortSignal
  /** Statuses returned to the caller instead of thrown (e.g. 404 for a lookup, 412 for a race). */
  passStatuses?: readonly number[] | 'all'
}

export type ClientResponse = Dispatcher.ResponseData

export class ServiceClient {
  readonly service: string
  readonly baseUrl: string
  readonly #pool: Pool
  readonly #token: string | undefined
  readonly #timeoutMs: number

  constructor(options: ServiceClientOptions) {
    this.service = options.service
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.#token = options.token || undefined
    this.#timeoutMs = options.timeoutMs ?? 30_000
    this.#pool = new Pool(this.baseUrl, { connections: 64, keepAliveTimeout: 10_000 })
  }

  /** Sends a request; a non-2xx answer (other than passStatuses) is thrown as its typed error. */
  async request(options: RequestOptions): Promise<ClientResponse> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs
    const headers: Record<string, string> = { ...options.headers }
    const requestId = currentRequestId()
    if (requestId && !headers['x-request-id']) headers['x-request-id'] = requestId
    // A caller's own token, when given (the gateway's MCP tools act as the caller), wins over the service token.
    if (this.#token && !headers.authorization) headers.authorization = `Bearer ${this.#token}`
    let body = options.body
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    }
    let response: ClientResponse
    try {
      response = await this.#pool.request({
        method: options.method,
        path: this.#pathWithQuery(options.path, options.query),
        headers,
        body: body as Dispatcher.DispatchOptions['body'],
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: options.signal,
      })
    } catch (err) {
      throw this.#transportError(err)
    }
    const passed = options.passStatuses === 'all' || options.passStatuses?.includes(response.statusCode)
    if (response.statusCode >= 400 && !passed) {
      throw await this.#errorFrom(response)
    }
    return response
  }

  async json<T>(options: RequestOptions): Promise<T> {
    const response = await this.request(options)
    if (response.statusCode === 204) {
      await response.body.dump()
      return undefined as T
    }
    return (await response.body.json()) as T
  }

  /** GET /health of the peer; resolves when it answers 200. The caller's `signal` (a /ready
   * deadline) cancels it; without one it gives up after 2 s. */
  async health(signal?: AbortSignal): Promise<string> {
    const deadline = signal ? { signal } : { timeoutMs: 2_000 }
    const response = await this.request({ method: 'GET', path: '/health', ...deadline })
    return response.body.text()
  }

  async close(): Promise<void> {
    await this.#pool.close()
  }

  #pathWithQuery(path: string, query: RequestOptions['query']): string {
    if (!query) return path
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value))
    const text = params.toString()
    return text ? `${path}?${text}` : path
  }

  async #errorFrom(response: ClientResponse): Promise<LakehouseError> {
    let payload: unknown
    try {
      payload = await response.body.json()
    } catch {
      payload = undefined
    }
    return errorFromBody(response.statusCode, payload)
  }

  #transportError(err: unknown): Error {
    // The caller's own abort is not the peer's failure: it goes back as it came.
    if (err instanceof undiciErrors.RequestAbortedError || (err as Error).name === 'AbortError') return err as Error
    return transportError(err, this.service) ?? new UpstreamUnavailable(`${this.service} is unavailable`)
  }
}

/** Base URL of a peer daemon: peers.<name> if set, else loopback on its configured port. */
export function peerUrl(config: Config, daemon: PeerDaemon): string {
  return config.peers[daemon] ?? `http://127.0.0.1:${config.ports[daemon]}`
}

export function serviceClient(config: Config, daemon: PeerDaemon): ServiceClient {
  return new ServiceClient({
    service: daemon,
    baseUrl: peerUrl(config, daemon),
    token: config.auth.token,
    timeoutMs: config.peers.timeout_ms,
  })
}
