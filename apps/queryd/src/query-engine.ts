import type { DuckDBConnection, DuckDBInstance, DuckDBResult, DuckDBType, DuckDBValue } from '@duckdb/node-api'
import { PayloadTooLarge, QueryTimeout } from '@lakehouse/shared'
import type { ParsedSqlRequest, QueryColumn } from '@lakehouse/shared/contracts/query.ts'
import type { Lease } from './parquet-cache.ts'
import { isInterrupt, type Redactor, toSqlError } from './sql-errors.ts'
import { checkStatement, prepareChecked } from './statement-guard.ts'
import type { ViewSet } from './views.ts'

// Runs one user query: views brought up to date, the view files leased, a connection of its own
// (one DuckDB instance, one connection per concurrent query), the statement guard, a deadline and
// cancellation that both interrupt DuckDB, and rows read chunk by chunk up to max_rows, so no format
// ever holds more than one chunk beyond what it returns. The run owns its connection and lease until
// its rows are drained or it is closed, whichever comes first.

export interface QueryLimits {
  defaultTimeoutMs: number
  maxTimeoutMs: number
  defaultMaxRows: number
  maxRowsCap: number
  maxSqlBytes: number
}

export interface QueryRun {
  columns: QueryColumn[]
  /** Column names made unique (a, a_1), for formats that key rows by name. */
  keys: string[]
  types: DuckDBType[]
  /** Row batches, at most max_rows rows in all; the run closes itself when they end. */
  batches: () => AsyncGenerator<DuckDBValue[][]>
  /** Known once batches() is drained: were rows left beyond max_rows? */
  isTruncated: () => boolean
  startedAt: number
  close: () => void
}

export class QueryEngine {
  readonly #instance: DuckDBInstance
  readonly #views: ViewSet
  readonly #limits: QueryLimits
  readonly #redact: Redactor
  #active = 0

  constructor(deps: { instance: DuckDBInstance; views: ViewSet; limits: QueryLimits; redact: Redactor }) {
    this.#instance = deps.instance
    this.#views = deps.views
    this.#limits = deps.limits
    this.#redact = deps.redact
  }

  /** Queries whose connection is still open (a cancelled query leaves this count). */
  get activeQueries(): number {
    return this.#active
  }

  async start(request: Omit<ParsedSqlRequest, 'format'>, signal?: AbortSignal): Promise<QueryRun> {
    const startedAt = performance.now()
    if (Buffer.byteLength(request.sql, 'utf8') > this.#limits.maxSqlBytes) {
      throw new PayloadTooLarge(`sql is longer than query.max_sql_bytes (${this.#limits.maxSqlBytes})`)
    }
    const timeoutMs = Math.min(request.timeout_ms ?? this.#limits.defaultTimeoutMs, this.#limits.maxTimeoutMs)
    const maxRows = Math.min(request.max_rows ?? this.#limits.defaultMaxRows, this.#limits.maxRowsCap)
    // The statement is checked on its parsed text while the views are brought up to date (one
    // catalog round trip): neither needs the other until the statement is bound.
    const connection = await this.#instance.connect()
    let lease: Lease
    let extracted: Awaited<ReturnType<typeof checkStatement>>
    try {
      ;[, extracted] = await Promise.all([this.#views.refresh(), checkStatement(connection, request.sql, this.#redact)])
      lease = await this.#views.lease()
    } catch (err) {
      connection.closeSync()
      throw err
    }
    this.#active += 1
    const guard = new RunGuard(connection, lease, timeoutMs, signal, () => {
      this.#active -= 1
    })
    try {
      const prepared = await prepareChecked(extracted, this.#redact)
      if (request.params !== undefined) prepared.bind(request.params as DuckDBValue[])
      const result = await prepared.stream()
      const run = this.#run(result, maxRows, guard, startedAt)
      guard.handOver()
      return run
    } catch (err) {
      guard.close()
      throw guard.translate(err, this.#redact)
    }
  }

  #run(result: DuckDBResult, maxRows: number, guard: RunGuard, startedAt: number): QueryRun {
    const types = result.columnTypes()
    const columns = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }))
    let truncated = false
    const redact = this.#redact
    async function* batches(): AsyncGenerator<DuckDBValue[][]> {
      let sent = 0
      // The client left before reading began: the run is already closed, its connection gone.
      if (guard.isClosed) return
      guard.streaming = true
      try {
        for (;;) {
          const chunk = await result.fetchChunk()
          if (!chunk || chunk.rowCount === 0) break
          if (sent >= maxRows) {
            truncated = true
            break
          }
          const rows = chunk.getRows()
          const room = maxRows - sent
          if (rows.length > room) truncated = true
          const batch = rows.length > room ? rows.slice(0, room) : rows
          sent += batch.length
          yield batch
          if (truncated) break
        }
      } catch (err) {
        throw guard.translate(err, redact)
      } finally {
        guard.close()
      }
    }
    return {
      columns,
      keys: result.deduplicatedColumnNames(),
      types,
      batches,
      isTruncated: () => truncated,
      startedAt,
      close: () => guard.close(),
    }
  }
}

/** The deadline and the cancellation of one run, and the release of what it holds, exactly once. */
class RunGuard {
  readonly #connection: DuckDBConnection
  readonly #lease: Lease
  readonly #timer: NodeJS.Timeout
  readonly #signal: AbortSignal | undefined
  /** True while start() or the row reader owns the run (and will close it); abort only interrupts then. */
  streaming = true
  readonly #onAbort = () => {
    this.#connection.interrupt()
    // A run whose rows nobody will ever read (the client left first) is closed here.
    if (!this.streaming) this.close()
  }
  readonly #onClose: () => void
  #timedOut = false
  #closed = false

  constructor(
    connection: DuckDBConnection,
    lease: Lease,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onClose: () => void,
  ) {
    this.#connection = connection
    this.#lease = lease
    this.#onClose = onClose
    this.#signal = signal
    this.#timer = setTimeout(() => {
      this.#timedOut = true
      connection.interrupt()
    }, timeoutMs)
    signal?.addEventListener('abort', this.#onAbort, { once: true })
    if (signal?.aborted) connection.interrupt()
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** start() is done; until a reader starts, an abort closes the run itself. */
  handOver(): void {
    this.streaming = false
    if (this.#signal?.aborted) this.close()
  }

  translate(err: unknown, redact: Redactor): Error {
    if (this.#timedOut && isInterrupt(err)) return new QueryTimeout('the query ran past its timeout_ms and was stopped')
    return toSqlError(err, redact)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#timer)
    this.#signal?.removeEventListener('abort', this.#onAbort)
    // Interrupt first: closing a connection whose query is still streaming must not wait on it.
    this.#connection.interrupt()
    this.#connection.closeSync()
    this.#lease.release()
    this.#onClose()
  }
}
