import type {
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBPreparedStatement,
  DuckDBResult,
  DuckDBType,
  DuckDBValue,
} from '@duckdb/node-api'
import { PayloadTooLarge } from '@lakehouse/shared'
import type { ParsedSqlRequest, QueryColumn } from '@lakehouse/shared/contracts/query.ts'
import { ChunkGate } from './chunk-gate.ts'
import { ConnectionPool, type PooledConnection } from './connection-pool.ts'
import { GuardCache, type GuardVerdict } from './guard-cache.ts'
import { ResultMeter } from './result-size.ts'
import { RunGuard } from './run-guard.ts'
import { noRedaction, type Redactor } from './sql-errors.ts'
import { prepareChecked } from './statement-guard.ts'
import type { TableRefs } from './table-refs.ts'
import type { ViewSet, ViewUse } from './views.ts'

// Runs one user query: the statement guard (its verdict cached by text), then only the views the
// statement reads brought up to date and their files leased (ADR-021), a connection of its own
// (one DuckDB instance, one connection per concurrent query, kept in a pool between queries with
// its prepared statements, ADR-025), a deadline and
// cancellation that both interrupt DuckDB, and rows read chunk by chunk up to max_rows, so no format
// ever holds more than one chunk beyond what it returns. The run owns its connection and lease until
// its rows are drained or it is closed, whichever comes first.

export interface QueryLimits {
  defaultTimeoutMs: number
  maxTimeoutMs: number
  defaultMaxRows: number
  maxRowsCap: number
  maxSqlBytes: number
  /** query.max_result_bytes: what one answer may hold (ResultMeter). */
  maxResultBytes: number
  /** How many result chunks may be fetched at once (query.threads): ChunkGate. */
  concurrentChunks: number
  /** query.guard_cache_bytes: accepted verdicts of the statement guard kept by SQL text (0: off). */
  guardCacheBytes: number
  /** query.pool_connections: idle DuckDB connections kept between queries (0: off, ADR-025). */
  poolConnections: number
  /** query.pool_statements: prepared statements kept per pooled connection (ADR-025). */
  poolStatements: number
}

/**
 * setseed() changes the random state of its connection for the queries after it: a run whose text
 * names it never gives its connection back to the pool (a literal naming it costs one connect).
 */
const SESSION_CHANGING = /setseed/i

/** Where one query's time went before its first row (ms): the per-phase timers of ADR-021. */
export interface QueryPhases {
  connect: number
  guard: number
  freshness: number
  lease: number
  prepare: number
  execute: number
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
  /** Every text value of the result passes through it: no host path leaves in a result (ADR-007). */
  redactText: Redactor
  close: () => void
}

/** One run's end: from start() to its connection's close, rows streamed included. */
export interface RunEnded {
  ms: number
  isTimedOut: boolean
}

export class QueryEngine {
  readonly #views: ViewSet
  readonly #limits: QueryLimits
  readonly #redact: Redactor
  readonly #gate: ChunkGate
  #active = 0

  readonly #redactValue: Redactor
  readonly #onRunEnded: (run: RunEnded) => void
  readonly #onPhases: (phases: QueryPhases) => void
  readonly guardCache: GuardCache
  readonly pool: ConnectionPool

  constructor(deps: {
    instance: DuckDBInstance
    views: ViewSet
    limits: QueryLimits
    /** For error messages: credentials and host paths. */
    redact: Redactor
    /** For text in results: host paths (ADR-007). */
    redactValue?: Redactor
    /** Told once per run that started streaming, when it ends (metrics, ADR-019). */
    onRunEnded?: (run: RunEnded) => void
    /** Told once per run that started streaming, where its time went (metrics, ADR-021). */
    onPhases?: (phases: QueryPhases) => void
  }) {
    this.#views = deps.views
    this.#limits = deps.limits
    this.#redact = deps.redact
    this.#redactValue = deps.redactValue ?? noRedaction
    this.#gate = new ChunkGate(deps.limits.concurrentChunks)
    this.#onRunEnded = deps.onRunEnded ?? (() => undefined)
    this.#onPhases = deps.onPhases ?? (() => undefined)
    this.guardCache = new GuardCache(deps.limits.guardCacheBytes)
    this.pool = new ConnectionPool(deps.instance, {
      maxIdle: deps.limits.poolConnections,
      maxStatements: deps.limits.poolStatements,
    })
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
    // The guard first: the tables it finds are the only views brought up to date and leased.
    const pooled = await this.pool.acquire()
    const { connection } = pooled
    const connected = performance.now()
    let use: ViewUse
    let isCurrent: Promise<boolean> | undefined
    let verdict: GuardVerdict
    let checked: number
    try {
      verdict = await this.guardCache.check(connection, request.sql, this.#redact)
      checked = performance.now()
      // Views that exist are bound while storage says whether they moved (ADR-021).
      const optimistic = await this.#views.useOptimistic(verdict.refs)
      if (optimistic) ({ use, isCurrent } = optimistic)
      else use = await this.#views.use(verdict.refs, startedAt)
    } catch (err) {
      this.pool.release(pooled, false)
      throw err
    }
    this.#active += 1
    const isSessionFree = !SESSION_CHANGING.test(request.sql)
    // Reads `use` when it closes: a stale optimistic bind replaces it below.
    const guard = new RunGuard(
      connection,
      (isReusable) => this.pool.release(pooled, isReusable && isSessionFree),
      () => use.release(),
      timeoutMs,
      signal,
      () => {
        this.#active -= 1
        this.#onRunEnded({ ms: performance.now() - startedAt, isTimedOut: guard.isTimedOut })
      },
    )
    try {
      const leased = performance.now()
      const byText = { byText: { connection, sql: request.sql } }
      let prepared = await this.#prepare(pooled, request.sql, verdict.refs, verdict.extracted ?? byText, isCurrent)
      let waited = performance.now()
      if (isCurrent && !(await isCurrent)) {
        // A view this query read moved: bind again over the new views. A kept statement over the
        // old ones is destroyed when the new one replaces it.
        use.release()
        waited = performance.now()
        use = await this.#views.use(verdict.refs, startedAt)
        prepared = await this.#statementFor(pooled, request.sql, verdict.refs, byText)
      }
      if (!prepared) throw new Error('unreachable: a failed bind of current views was rethrown')
      const freshness = performance.now() - waited
      if (request.params !== undefined) prepared.bind(request.params as DuckDBValue[])
      const preparedAt = performance.now()
      // DuckDB starts producing the first chunk as soon as the stream exists: the permit is held
      // from here until that chunk has been measured.
      const firstPermit = await this.#gate.acquire()
      guard.onClose(firstPermit)
      const result = await prepared.stream()
      // Bound and running: a view replaced from now on no longer changes what this run reads.
      use.bound()
      this.#onPhases({
        connect: connected - startedAt,
        guard: checked - connected,
        freshness: use.freshnessMs + freshness,
        lease: use.leaseMs,
        prepare: waited - leased,
        execute: performance.now() - preparedAt,
      })
      const run = this.#run(result, maxRows, guard, startedAt, firstPermit)
      guard.handOver()
      return run
    } catch (err) {
      guard.close()
      throw guard.translate(err, this.#redact)
    }
  }

  /**
   * Prepares the checked statement. With an optimistic bind in flight (`isCurrent`), a bind error
   * is kept until storage answered: over views that moved it is retried, not the caller's error.
   */
  async #prepare(
    pooled: PooledConnection,
    sql: string,
    refs: TableRefs,
    source: Parameters<typeof prepareChecked>[0],
    isCurrent: Promise<boolean> | undefined,
  ): Promise<DuckDBPreparedStatement | undefined> {
    try {
      return await this.#statementFor(pooled, sql, refs, source)
    } catch (err) {
      // Over views that moved, the caller binds again; over current ones the error is the caller's.
      if (isCurrent && !(await isCurrent)) return undefined
      throw err
    }
  }

  /**
   * The statement for `sql` over the views leased now: the one this connection kept from an earlier
   * run over the very same view versions, or a new one (then kept). Called while the views are
   * leased, so the versions read are the versions bound (ADR-025).
   */
  async #statementFor(
    pooled: PooledConnection,
    sql: string,
    refs: TableRefs,
    source: Parameters<typeof prepareChecked>[0],
  ): Promise<DuckDBPreparedStatement> {
    const views = this.#views.versionsOf(refs)
    const kept = views === undefined ? undefined : pooled.statement(sql, views)
    if (kept) {
      this.pool.statementHits += 1
      return kept
    }
    this.pool.statementMisses += 1
    const prepared = await prepareChecked(source, this.#redact)
    if (views !== undefined) pooled.keep(sql, views, prepared)
    return prepared
  }

  #run(result: DuckDBResult, maxRows: number, guard: RunGuard, startedAt: number, firstPermit: () => void): QueryRun {
    const types = result.columnTypes()
    const columns = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }))
    let truncated = false
    const redact = this.#redact
    const meter = new ResultMeter(this.#limits.maxResultBytes)
    const gate = this.#gate
    let sent = 0
    let permit: (() => void) | undefined = firstPermit
    // Dropped as soon as the run fails, so that collecting garbage frees its native memory.
    let source: DuckDBResult | null = result
    /** One chunk fetched, measured and converted under a gate permit (chunk-gate.ts). */
    async function readBatch(): Promise<DuckDBValue[][] | undefined> {
      const release = permit ?? (await gate.acquire())
      permit = undefined
      let chunk: DuckDBDataChunk | null = null
      const before = meter.bytes
      try {
        chunk = source ? await source.fetchChunk() : null
        if (!chunk || chunk.rowCount === 0) {
          if (source) guard.drained()
          return undefined
        }
        if (sent >= maxRows) {
          truncated = true
          return undefined
        }
        const take = Math.min(chunk.rowCount, maxRows - sent)
        if (take < chunk.rowCount) truncated = true
        // Measured before any value is turned into a JS value (query.max_result_bytes).
        meter.add(chunk, types, take)
        const batch: DuckDBValue[][] = []
        for (let i = 0; i < take; i += 1) batch.push(chunk.getRowValues(i))
        sent += batch.length
        return batch
      } catch (err) {
        // Closed before its memory is collected below: the connection holds the result too.
        guard.close()
        source = null
        throw err
      } finally {
        chunk = null
        if (gate.isBig(meter.bytes - before)) gate.collectThenRelease(release)
        else release()
      }
    }
    async function* batches(): AsyncGenerator<DuckDBValue[][]> {
      // The client left before reading began: the run is already closed, its connection gone.
      if (guard.isClosed) return
      guard.streaming = true
      try {
        for (;;) {
          const batch = await readBatch()
          if (!batch) break
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
      redactText: this.#redactValue,
      close: () => guard.close(),
    }
  }
}
