// The soak's one way to talk to the gateway: fetch with a bearer token and a deadline, returning
// the status (0 when no answer came) and the body, never throwing on an HTTP status. A 503 the
// gateway served and a connection the harness could not make must not look alike in the report.

export interface Answer {
  status: number
  body: Buffer
  ms: number
  /** Why no answer came, when status is 0. */
  error?: string
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT'
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
    const started = performance.now()
    try {
      const res = await fetch(`${this.url}${call.path}`, {
        method: call.method,
        headers: { authorization: `Bearer ${call.token}`, ...call.headers },
        ...(call.body === undefined ? {} : { body: call.body }),
        signal: AbortSignal.timeout(call.timeoutMs ?? 120_000),
      })
      const body = Buffer.from(await res.arrayBuffer())
      return { status: res.status, body, ms: performance.now() - started }
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      return { status: 0, body: Buffer.alloc(0), ms: performance.now() - started, error }
    }
  }

  /** A JSON call that must succeed (setup, sampling, end check): throws with the answer otherwise. */
  async json(call: Omit<Call, 'body'> & { json?: unknown }): Promise<unknown> {
    const { json, ...rest } = call
    const answer = await this.send({
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
