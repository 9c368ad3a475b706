import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api'
import { LRUCache } from 'lru-cache'

// DuckDB connections kept between queries, each with its prepared statements by SQL text (ADR-025):
// a repeated query skips connect and prepare. A prepared statement keeps the plan it was bound with:
// DuckDB 1.5.6 does NOT rebind it when a view it read is replaced or dropped (it goes on reading the
// old view's files), so every statement is kept with the view versions it was bound over, and is
// used only when the views the query just brought up to date and leased are those versions.
// A connection goes back to the pool only after a run that read its rows to the end, was never
// interrupted and failed nowhere; at most `maxIdle` wait, the rest are closed.

export interface PoolLimits {
  /** query.pool_connections: idle connections kept; 0 turns the pool off (a connection per query). */
  maxIdle: number
  /** query.pool_statements: prepared statements kept per connection (least recently used go). */
  maxStatements: number
}

interface KeptStatement {
  /** The view versions the statement was bound over (ViewSet.versionsOf). */
  views: string
  prepared: DuckDBPreparedStatement
}

/** One connection lent to one run, with the statements prepared on it earlier. */
export class PooledConnection {
  readonly connection: DuckDBConnection
  readonly #statements: LRUCache<string, KeptStatement> | undefined

  constructor(connection: DuckDBConnection, maxStatements: number) {
    this.connection = connection
    this.#statements =
      maxStatements > 0
        ? new LRUCache<string, KeptStatement>({
            max: maxStatements,
            dispose: (kept) => kept.prepared.destroySync(),
          })
        : undefined
  }

  /** The statement prepared for `sql` over exactly the view versions `views`; its bindings cleared. */
  statement(sql: string, views: string): DuckDBPreparedStatement | undefined {
    const kept = this.#statements?.get(sql)
    if (!kept) return undefined
    if (kept.views !== views) {
      // Bound over views that moved since: never used again (dispose destroys it).
      this.#statements?.delete(sql)
      return undefined
    }
    kept.prepared.clearBindings()
    return kept.prepared
  }

  /** Keeps `prepared` for the next run of `sql` over the same view versions. */
  keep(sql: string, views: string, prepared: DuckDBPreparedStatement): void {
    if (this.#statements?.get(sql)?.prepared === prepared) return
    this.#statements?.set(sql, { views, prepared })
  }

  get statements(): number {
    return this.#statements?.size ?? 0
  }

  close(): void {
    this.#statements?.clear()
    this.connection.closeSync()
  }
}

export class ConnectionPool {
  readonly #instance: DuckDBInstance
  readonly #limits: PoolLimits
  readonly #idle: PooledConnection[] = []
  /** Connections opened, and runs served by a connection from the pool (for metrics and tests). */
  opened = 0
  reused = 0
  statementHits = 0
  statementMisses = 0

  constructor(instance: DuckDBInstance, limits: PoolLimits) {
    this.#instance = instance
    this.#limits = limits
  }

  async acquire(): Promise<PooledConnection> {
    const idle = this.#idle.pop()
    if (idle) {
      this.reused += 1
      return idle
    }
    this.opened += 1
    return new PooledConnection(
      await this.#instance.connect(),
      this.#limits.maxIdle > 0 ? this.#limits.maxStatements : 0,
    )
  }

  /** A run is over: a connection whose run ended cleanly may serve the next one, others close. */
  release(pooled: PooledConnection, isReusable: boolean): void {
    if (isReusable && this.#idle.length < this.#limits.maxIdle) this.#idle.push(pooled)
    else pooled.close()
  }

  get idle(): number {
    return this.#idle.length
  }

  /** Prepared statements kept over all idle connections. */
  get statements(): number {
    return this.#idle.reduce((sum, pooled) => sum + pooled.statements, 0)
  }

  close(): void {
    for (const pooled of this.#idle.splice(0)) pooled.close()
  }
}
