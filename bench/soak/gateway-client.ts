// The soak's one way to talk to the gateway: fetch with a bearer token and a deadline, returning
// the status (0 when no answer came) and the body, never throwing on an HTTP status. A 503 the
// gateway served and a connection the harness could not make must not look alike in the report.

export interface Answer {
  status: number
  body: Buffer
  ms: number
  /** Why no answer came, when status is 0. */
  error?: string
  headers?: Headers
}

/** How long a patient call waits out 429s in all. */
const PATIENCE_MS = 5 * 60_000

export interface Call {
  method: 'GET' | 'POST' | 'PUT'
  /**
   * The harness's own calls (setup, sampling, end check): a 429 is waited out as its Retry-After
   * says, up to PATIENCE_MS. The end check reads back every acknowledged object with one token, so
   * it meets the gateway's rate limit; a 429 there is not a lost object.
   */
  patient?: boolean
  path: string
  token: string
  body?: string | Buffer
  headers?: Record<string, string>
  timeoutMs?: number
}

export class GatewayClient {
  readonly url: string

  constructor(url: string) {
    this.url = url.replace(/\/+$/, '')
  }

  async send(call: Call): Promise<Answer> {
    const deadline = performance.now() + PATIENCE_MS
    for (;;) {
      const answer = await this.#sendOnce(call)
      if (!call.patient || answer.status !== 429 || performance.now() > deadline) return answer
      const seconds = Number(answer.headers?.get('retry-after') ?? 1)
      await new Promise((r) => setTimeout(r, 1_000 * (Number.isFinite(seconds) && seconds > 0 ? seconds : 1)))
    }
  }

  async #sendOnce(call: Call): Promise<Answer> {
    const started = performance.now()
    try {
      const res = await fetch(`${this.url}${call.path}`, {
        method: call.method,
        headers: { authorization: `Bearer ${call.token}`, ...call.headers },
        ...(call.body === undefined ? {} : { body: call.body }),
        signal: AbortSignal.timeout(call.timeoutMs ?? 120_000),
      })
      const body = Buffer.from(await res.arrayBuffer())
      return { status: res.status, body, ms: performance.now() - started, headers: res.headers }
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      return { status: 0, body: Buffer.alloc(0), ms: performance.now() - started, error }
    }
  }

  /** A JSON call that must succeed (setup, sampling, end check): throws with the answer otherwise. */
  async json(call: Omit<Call, 'body'> & { json?: unknown }): Promise<unknown> {
    const { json, ...rest } = call
    const answer = await this.send({
      patient: true,
      ...rest,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
    })
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(
        `${call.method} ${call.path}: ${answer.status || answer.error} ${answer.body.toString().slice(0, 300)}`,
      )
    }
    return JSON.parse(answer.body.toString('utf8'))
  }
}
