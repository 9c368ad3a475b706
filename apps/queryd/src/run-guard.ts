import type { DuckDBConnection } from '@duckdb/node-api'
import { QueryTimeout } from '@lakehouse/shared'
import { isInterrupt, type Redactor, toQueryError } from './sql-errors.ts'

// One run's deadline and cancellation (both interrupt DuckDB), and the release of what it holds
// (its connection, its views and leased files, its chunk permits), exactly once. The connection
// goes back to its pool only when the run read its rows to the end and nothing interrupted it
// (ADR-025); any other end closes it.

/** The deadline and the cancellation of one run, and the release of what it holds, exactly once. */
export class RunGuard {
  readonly #connection: DuckDBConnection
  readonly #releaseConnection: (isReusable: boolean) => void
  readonly #releaseViews: () => void
  readonly #timer: NodeJS.Timeout
  readonly #signal: AbortSignal | undefined
  /** True while start() or the row reader owns the run (and will close it); abort only interrupts then. */
  streaming = true
  readonly #onAbort = () => {
    this.#interrupt()
    // A run whose rows nobody will ever read (the client left first) is closed here.
    if (!this.streaming) this.close()
  }
  readonly #onClose: () => void
  readonly #releases: Array<() => void> = []
  #timedOut = false
  #closed = false
  #interrupted = false
  #drained = false

  constructor(
    connection: DuckDBConnection,
    /** Back to the pool (true) or closed (false). */
    releaseConnection: (isReusable: boolean) => void,
    releaseViews: () => void,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onClose: () => void,
  ) {
    this.#connection = connection
    this.#releaseConnection = releaseConnection
    this.#releaseViews = releaseViews
    this.#onClose = onClose
    this.#signal = signal
    this.#timer = setTimeout(() => {
      this.#timedOut = true
      this.#interrupt()
    }, timeoutMs)
    signal?.addEventListener('abort', this.#onAbort, { once: true })
    if (signal?.aborted) this.#interrupt()
  }

  #interrupt(): void {
    this.#interrupted = true
    this.#connection.interrupt()
  }

  /** DuckDB has no row left for this run: its connection may serve another one. */
  drained(): void {
    this.#drained = true
  }

  get isClosed(): boolean {
    return this.#closed
  }

  get isTimedOut(): boolean {
    return this.#timedOut
  }

  /** Something else the run holds, released with it (once). */
  onClose(release: () => void): void {
    this.#releases.push(release)
  }

  /** start() is done; until a reader starts, an abort closes the run itself. */
  handOver(): void {
    this.streaming = false
    if (this.#signal?.aborted) this.close()
  }

  translate(err: unknown, redact: Redactor): Error {
    if (this.#timedOut && isInterrupt(err)) return new QueryTimeout('the query ran past its timeout_ms and was stopped')
    return toQueryError(err, redact)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#timer)
    this.#signal?.removeEventListener('abort', this.#onAbort)
    const isReusable = this.#drained && !this.#interrupted
    // Interrupt first: closing a connection whose query is still streaming must not wait on it.
    if (!isReusable) this.#interrupt()
    this.#releaseConnection(isReusable)
    this.#releaseViews()
    for (const release of this.#releases) release()
    this.#onClose()
  }
}
