import type { Readable } from 'node:stream'
import { BalancedPool, type Dispatcher, Pool, errors as undiciErrors } from 'undici'
import type { Config } from './config/schema.ts'
import type { PeerDaemon } from './daemons.ts'
import { errorFromBody, type LakehouseError, UpstreamUnavailable } from './errors.ts'
import { currentRequestId } from './request-context.ts'
import { transportError } from './transport-errors.ts'

// The one HTTP client base every daemon client is built on (storage, catalog, query, embed, ...):
// a keep-alive pool per peer, a deadline per request, the caller's request id and the service
// token on every call, and the peer's error shape turned back into the typed error it was.
// A peer that cannot be reached is 503 upstream_unavailable; one that does not answer in time is
// 504 upstream_timeout. A daemon may run as several replicas (ADR-017): the client balances across
// them with undici's BalancedPool, and the only retry is onto another replica when the connection
// failed before anything was sent (refused, connect timeout); past that, whether a call is safe to
// repeat is the caller's call.

export interface ServiceClientOptions {
  service: string
  /** The peer's base URL, or its replicas' (ADR-017). */
  baseUrl: string | readonly string[]
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
  /** The first replica's base URL. */
  readonly baseUrl: string
  readonly baseUrls: readonly string[]
  readonly #pool: Pool | BalancedPool
  readonly #token: string | undefined
  readonly #timeoutMs: number

  constructor(options: ServiceClientOptions) {
    this.service = options.service
    const given = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl
    if (given.length === 0) throw new TypeError(`${options.service}: no base URL`)
    this.baseUrls = given.map((base) => base.replace(/\/+$/, ''))
    this.baseUrl = this.baseUrls[0] as string
    this.#token = options.token || undefined
    this.#timeoutMs = options.timeoutMs ?? 30_000
    this.#pool = upstreamDispatcher(this.baseUrls, { connections: 64, keepAliveTimeout: 10_000 })
  }

  /** Sends a request; a non-2xx answer (other than passStatuses) is thrown as its typed error. */
  async request(options: RequestOptions): Promise<ClientResponse> {
    return this.#request(options, this.#pool)
  }

  /** The same request sent to every replica, each one's outcome in `baseUrls` order: what
   * /health/<daemon> and /ready make of several replicas (ADR-017). */
  async requestEach(options: RequestOptions): Promise<PromiseSettledResult<ClientResponse>[]> {
    const pool = this.#pool
    const replicas = this.baseUrls.map((base) =>
      pool instanceof BalancedPool ? (pool.getUpstream(new URL(base).origin) ?? pool) : pool,
    )
    return Promise.allSettled(replicas.map((replica) => this.#request(options, replica)))
  }

  async #request(options: RequestOptions, dispatcher: Dispatcher): Promise<ClientResponse> {
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
    // A body held in memory can go out again; a stream that may have been read from cannot.
    const repeatable = body === undefined || typeof body === 'string' || body instanceof Uint8Array
    const attempts = dispatcher instanceof BalancedPool && repeatable ? 2 * this.baseUrls.length : 1
    try {
      response = await sendToReplicas(attempts, () =>
        dispatcher.request({
          method: options.method,
          path: this.#pathWithQuery(options.path, options.query),
          headers,
          body: body as Dispatcher.DispatchOptions['body'],
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: options.signal,
        }),
      )
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
    const options: RequestOptions = { method: 'GET', path: '/health', ...deadline }
    if (this.baseUrls.length === 1) return (await this.request(options)).body.text()
    // Several replicas: the peer is up while any one of them is (ADR-017).
    const outcomes = await this.requestEach(options)
    const up = outcomes.find((o) => o.status === 'fulfilled')
    for (const o of outcomes) if (o.status === 'fulfilled' && o !== up) await o.value.body.dump()
    if (up?.status === 'fulfilled') return up.value.body.text()
    throw (outcomes[0] as PromiseRejectedResult).reason
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

/** Base URLs of a peer daemon's replicas: peers.<name> (one URL or a list) if set, else loopback on
 * its configured port. */
export function peerUrls(config: Config, daemon: PeerDaemon): string[] {
  const given = config.peers[daemon]
  if (given === undefined) return [`http://127.0.0.1:${config.ports[daemon]}`]
  return typeof given === 'string' ? [given] : [...given]
}

/** The undici dispatcher for a daemon's replicas: a Pool for one, undici's BalancedPool for several
 * (ADR-017: no balancer of our own). */
export function upstreamDispatcher(urls: readonly string[], options: Pool.Options): Pool | BalancedPool {
  const origins = [...new Set(urls.map((base) => new URL(base).origin))]
  return origins.length === 1 ? new Pool(origins[0] as string, options) : new BalancedPool(origins, options)
}

/** Whether a request failed before any byte of it reached a daemon: only then may it go to another replica. */
export function failedBeforeSending(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code
  return code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT'
}

/** Runs `send` up to `attempts` times while it fails before sending anything. BalancedPool lowers
 * a replica's weight on each failed connect, so the next attempt goes to another replica. */
export async function sendToReplicas<T>(attempts: number, send: () => Promise<T>, mayRetry = () => true): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send()
    } catch (err) {
      if (attempt >= attempts || !failedBeforeSending(err) || !mayRetry()) throw err
    }
  }
}

export function serviceClient(config: Config, daemon: PeerDaemon): ServiceClient {
  return new ServiceClient({
    service: daemon,
    baseUrl: peerUrls(config, daemon),
    token: config.auth.token,
    timeoutMs: config.peers.timeout_ms,
  })
}
