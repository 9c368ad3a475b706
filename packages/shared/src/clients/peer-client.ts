import type { ServiceClient } from '../http-client.ts'

// What every daemon's client shares: the HTTP client base it talks through, the peer's liveness
// (for /ready checks), its name, and closing its connection pool.
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
}
