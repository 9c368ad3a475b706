import type { DuckDBConnection } from '@duckdb/node-api'
import { LRUCache } from 'lru-cache'
import { noRedaction, type Redactor } from './sql-errors.ts'
import { type CheckedStatement, checkStatement } from './statement-guard.ts'
import type { TableRefs } from './table-refs.ts'

// The statement guard's accepted verdicts by SQL text (ADR-021). Steps 1-3 of the guard read the
// text through DuckDB's parser only (nothing is bound), so their answer for a given text is fixed
// for a given DuckDB build: a repeated statement skips two parser round trips. Refusals are not
// kept (they cost the caller, not the service). Bounded in bytes: each entry costs its text twice
// (key and JS string overhead) plus its table names.

export interface GuardVerdict {
  refs: TableRefs
  /** The statement extracted on this connection when the verdict was not cached; else prepare by text. */
  extracted?: CheckedStatement['extracted']
}

const ENTRY_OVERHEAD_BYTES = 64

function verdictBytes(sql: string, refs: TableRefs): number {
  return ENTRY_OVERHEAD_BYTES + 2 * sql.length + refs.names.reduce((n, name) => n + 2 * name.length + 16, 0)
}

export class GuardCache {
  readonly #verdicts: LRUCache<string, TableRefs> | undefined
  hits = 0
  misses = 0

  /** maxBytes 0 turns the cache off. */
  constructor(maxBytes: number) {
    this.#verdicts =
      maxBytes > 0
        ? new LRUCache<string, TableRefs>({
            maxSize: maxBytes,
            sizeCalculation: (refs, sql) => verdictBytes(sql, refs),
          })
        : undefined
  }

  /** Steps 1-3 of the guard for `sql`, or their cached verdict. */
  async check(connection: DuckDBConnection, sql: string, redact: Redactor = noRedaction): Promise<GuardVerdict> {
    const cached = this.#verdicts?.get(sql)
    if (cached) {
      this.hits += 1
      return { refs: cached }
    }
    this.misses += 1
    const checked = await checkStatement(connection, sql, redact)
    this.#verdicts?.set(sql, checked.refs)
    return { refs: checked.refs, extracted: checked.extracted }
  }

  get bytes(): number {
    return this.#verdicts?.calculatedSize ?? 0
  }

  get entries(): number {
    return this.#verdicts?.size ?? 0
  }
}
