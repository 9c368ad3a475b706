import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { StatementType } from '@duckdb/node-api'
import { quoteIdent, quoteLiteral } from '@lakehouse/shared'
import type { DatasetList, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import type { QueryColumn, QueryTable } from '@lakehouse/shared/contracts/query.ts'
import type { Lease } from './parquet-cache.ts'
import { safeTypeName } from './sql-text.ts'

// Every dataset of the catalog is a view of its own name over its Parquet files (DESIGN §5, §8).
// Before each query the catalog's generation is read (one cheap call); only when it moved are the
// manifests listed, and only the views whose manifest version changed are re-created. queryd writes the view SQL itself:
// names through quoteIdent, paths through quoteLiteral, and the DDL must parse as exactly one
// CREATE statement, so a hostile dataset name can never become a second statement.

export interface CatalogSource {
  /** The global generation alone (one cheap call); it moves on every commit anywhere. */
  generation(): Promise<number>
  listDatasets(): Promise<DatasetList>
}

/** Turns data-file keys into paths DuckDB can read, kept readable until the lease is released. */
export interface ParquetFiles {
  acquire(keys: readonly string[]): Promise<Lease>
}

interface ViewState {
  version: number
  keys: string[]
}

export interface ViewLog {
  warn: (obj: object, msg: string) => void
}

export function viewSql(manifest: Manifest, lease: Lease): string {
  const name = quoteIdent(manifest.name)
  if (manifest.files.length === 0) {
    // No files yet: an empty view that still has the dataset's columns and types.
    const columns = manifest.schema.map((f) => `CAST(NULL AS ${safeTypeName(f.type)}) AS ${quoteIdent(f.name)}`)
    return `CREATE OR REPLACE VIEW ${name} AS SELECT ${columns.join(', ') || 'NULL AS "_"'} WHERE false`
  }
  const paths = manifest.files.map((f) => quoteLiteral(lease.path(f.key))).join(', ')
  return `CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet([${paths}], union_by_name = true)`
}

async function runOneDdl(connection: DuckDBConnection, sql: string, expected: StatementType): Promise<void> {
  const extracted = await connection.extractStatements(sql)
  if (extracted.count !== 1) throw new Error(`generated DDL has ${extracted.count} statements`)
  const prepared = await extracted.prepare(0)
  if (prepared.statementType !== expected) throw new Error('generated DDL has an unexpected statement type')
  await prepared.run()
}

export class ViewSet {
  readonly #instance: DuckDBInstance
  readonly #catalog: CatalogSource
  readonly #files: ParquetFiles
  readonly #log: ViewLog
  readonly #views = new Map<string, ViewState>()
  #generation: number | undefined
  /** How many views were (re)created, for tests and logs: a view is re-created only when its version moved. */
  created = 0
  #refreshing: Promise<void> | undefined

  constructor(deps: { instance: DuckDBInstance; catalog: CatalogSource; files: ParquetFiles; log: ViewLog }) {
    this.#instance = deps.instance
    this.#catalog = deps.catalog
    this.#files = deps.files
    this.#log = deps.log
  }

  /** Brings the views up to the catalog's current generation (one in flight at a time). */
  async refresh(): Promise<void> {
    while (this.#refreshing) await this.#refreshing
    if ((await this.#catalog.generation()) === this.#generation) return
    if (this.#refreshing) return this.refresh()
    this.#refreshing = this.#catalog
      .listDatasets()
      .then((list) => this.#apply(list))
      .finally(() => {
        this.#refreshing = undefined
      })
    await this.#refreshing
  }

  /** The files of every view, held for one query. */
  lease(): Promise<Lease> {
    return this.#files.acquire([...this.#views.values()].flatMap((v) => v.keys))
  }

  get names(): string[] {
    return [...this.#views.keys()]
  }

  async #apply(list: DatasetList): Promise<void> {
    const connection = await this.#instance.connect()
    try {
      const live = new Set(list.datasets.map((m) => m.name))
      for (const name of this.#views.keys()) {
        if (live.has(name)) continue
        await runOneDdl(connection, `DROP VIEW IF EXISTS ${quoteIdent(name)}`, StatementType.DROP)
        this.#views.delete(name)
      }
      for (const manifest of list.datasets) {
        if (this.#views.get(manifest.name)?.version === manifest.version) continue
        await this.#create(connection, manifest)
      }
      this.#generation = list.generation
    } finally {
      connection.closeSync()
    }
  }

  async #create(connection: DuckDBConnection, manifest: Manifest): Promise<void> {
    const keys = manifest.files.map((f) => f.key)
    const lease = await this.#files.acquire(keys)
    try {
      await runOneDdl(connection, viewSql(manifest, lease), StatementType.CREATE)
      this.created += 1
      this.#views.set(manifest.name, { version: manifest.version, keys })
    } catch (err) {
      // One broken dataset must not hide the others; it is retried when the catalog moves again.
      this.#log.warn({ dataset: manifest.name, err: (err as Error).message }, 'cannot create view')
    } finally {
      lease.release()
    }
  }
}

export async function listTables(connection: DuckDBConnection): Promise<QueryTable[]> {
  const reader = await connection.runAndReadAll(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  )
  const tables = new Map<string, QueryColumn[]>()
  for (const [table, column, type] of reader.getRows() as Array<[string, string, string]>) {
    const columns = tables.get(table) ?? []
    columns.push({ name: column, type })
    tables.set(table, columns)
  }
  return [...tables].map(([name, columns]) => ({ name, columns }))
}
