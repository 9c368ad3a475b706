import type { z } from 'zod'
import { InternalError } from '../errors.ts'
import type { RequestOptions, ServiceClient } from '../http-client.ts'

// What every daemon's client shares: the HTTP client base it talks through, the peer's liveness
// (for /ready checks), its name, closing its connection pool, and reading a JSON answer through
// the route contract's response schema, so nothing past the boundary trusts the peer's shape.
export abstract class PeerClient {
  protected readonly http: ServiceClient

  constructor(http: ServiceClient) {
    this.http = http
  }

  /** GET /health of the peer; resolves when it answers 200. `signal` cancels the request. */
  health(signal?: AbortSignal): Promise<string> {
    return this.http.health(signal)
  }

  get service(): string {
    return this.http.service
  }

  close(): Promise<void> {
    return this.http.close()
  }

  /** The peer's JSON answer, parsed with `schema`; an answer off the contract is the peer's bug (500). */
  protected async parsed<S extends z.ZodType>(schema: S, options: RequestOptions): Promise<z.output<S>> {
    const answer = schema.safeParse(await this.http.json<unknown>(options))
    if (answer.success) return answer.data
    const where = answer.error.issues[0]
    throw new InternalError(
      `${this.http.service} answered ${options.method} ${options.path} off its contract` +
        (where ? ` at ${where.path.join('.') || '(root)'}: ${where.message}` : ''),
    )
  }
}
