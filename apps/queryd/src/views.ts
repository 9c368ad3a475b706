import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { StatementType } from '@duckdb/node-api'
import { NotFound, quoteIdent, quoteLiteral } from '@lakehouse/shared'
import type { DatasetList, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import type { QueryColumn, QueryTable } from '@lakehouse/shared/contracts/query.ts'
import { BindGate } from './bind-gate.ts'
import { type CommitObjects, CommitProbe } from './commit-probe.ts'
import type { Lease } from './parquet-cache.ts'
import { safeTypeName } from './sql-text.ts'
import type { TableRefs } from './table-refs.ts'

// Every dataset is a view of its own name over its Parquet files (DESIGN §5, §8), created lazily:
// a query brings up to date only the views it reads and leases only their files (ADR-021). A view
// is current when storage holds no commit object above its version (commit-probe.ts); when it does,
// catalogd is asked for that one dataset's latest manifest and that one view is re-created (or
// dropped, for a tombstone). A statement that lists the catalog brings every view up to date from
// one listing. queryd writes the view SQL itself: names through quoteIdent, paths through
// quoteLiteral, and the DDL must parse as exactly one statement of the expected type.

export interface CatalogSource {
  /** The latest live manifest of `name`; NotFound when it does not exist or is deleted. */
  getManifest(name: string): Promise<Manifest>
  listDatasets(): Promise<DatasetList>
}

/** Turns data-file keys into paths DuckDB can read, kept readable until the lease is released. */
export interface ParquetFiles {
  acquire(keys: readonly string[]): Promise<Lease>
  /** Lets go of every file the given keys do not name (the local cache deletes them). */
  retainOnly?(liveKeys: Iterable<string>): void
}

interface ViewState {
  /** The latest version known to exist (a tombstone's, when there is no view). */
  version: number
  keys: string[]
  hasView: boolean
  /** When the catalog was asked for what this state holds (performance.now()). */
  askedAt: number
}

export interface ViewLog {
  warn: (obj: object, msg: string) => void
}

/** The views of one query: their files leased, their DDL held off until `bound()`. */
export interface ViewUse {
  lease: Lease
  /** The statement is bound and running: later DDL no longer changes what it reads. */
  bound: () => void
  /** Releases everything (bound() included). */
  release: () => void
  /** Milliseconds spent bringing the views up to date, and leasing their files. */
  freshnessMs: number
  leaseMs: number
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
  readonly #states = new Map<string, ViewState>()
  readonly #loads = new Map<string, { askedAt: number; done: Promise<void> }>()
  readonly #gate = new BindGate()
  readonly probe: CommitProbe
  /** How many views were (re)created, for tests and logs: only a view whose version moved is. */
  created = 0
  /** Manifests asked of the catalog (one dataset each), for tests: exact round trips. */
  manifestReads = 0
  /** Catalog listings (statements that list the catalog, GET /v1/query/tables). */
  listings = 0

  constructor(deps: {
    instance: DuckDBInstance
    catalog: CatalogSource
    commits: CommitObjects
    files: ParquetFiles
    log: ViewLog
  }) {
    this.#instance = deps.instance
    this.#catalog = deps.catalog
    this.#files = deps.files
    this.#log = deps.log
    this.probe = new CommitProbe(deps.commits)
  }

  /** Names of the views that exist now. */
  get names(): string[] {
    return [...this.#states].filter(([, state]) => state.hasView).map(([name]) => name)
  }

  /**
   * The versions of the views `refs` reads as they stand now, as one string: what a statement
   * prepared now is bound over (ADR-025). Called while the views are leased, so no DDL moves them
   * in between. Undefined for a catalog-wide statement: what it binds is not named by its refs.
   */
  versionsOf(refs: TableRefs): string | undefined {
    if (refs.isCatalogWide) return undefined
    return refs.names
      .map((name) => {
        const state = this.#states.get(name)
        return `${name}@${state?.hasView ? state.version : '-'}`
      })
      .join(',')
  }

  /**
   * Brings the views `refs` reads up to date as of `startedAt` (every commit acknowledged before
   * it is seen), then leases their files. A statement that reads no table costs nothing.
   */
  async use(refs: TableRefs, startedAt: number): Promise<ViewUse> {
    const began = performance.now()
    if (refs.isCatalogWide) await this.refreshAll()
    else await Promise.all(refs.names.map((name) => this.#bringUpToDate(name, startedAt)))
    const names = refs.isCatalogWide ? this.names : refs.names.filter((name) => this.#states.get(name)?.hasView)
    const fresh = performance.now()
    const use = await this.#lease(names)
    return { ...use, freshnessMs: fresh - began, leaseMs: performance.now() - fresh }
  }

  /**
   * The optimistic path (ADR-021): when every view `refs` names exists, its files are leased at
   * once and the caller binds while storage is asked whether any of them moved. `isCurrent` is true
   * when none did: the versions leased are the versions probed, and no commit object above them
   * existed when asked (after the query started, since this runs inside it). Undefined when a view is missing, a load is in flight or the
   * statement is catalog-wide: the caller takes use().
   */
  async useOptimistic(refs: TableRefs): Promise<{ use: ViewUse; isCurrent: Promise<boolean> } | undefined> {
    const { names } = refs
    if (refs.isCatalogWide || names.length === 0) return undefined
    const versions: number[] = []
    for (const name of names) {
      const state = this.#states.get(name)
      if (!state?.hasView || this.#loads.has(name)) return undefined
      versions.push(state.version)
    }
    const began = performance.now()
    const found = Promise.all(names.map((name, i) => this.probe.exists(name, (versions[i] as number) + 1)))
    // Settled here so that a lease failure never leaves the probe's rejection unhandled.
    const probed = found.then(
      (exists) => ({ exists }),
      (err: unknown) => ({ err }),
    )
    let use: Omit<ViewUse, 'freshnessMs' | 'leaseMs'>
    try {
      use = await this.#lease(names)
    } catch (err) {
      await probed
      throw err
    }
    // A DDL let in before this query entered the gate changed what it leased.
    const isLeased = names.every((name, i) => this.#states.get(name)?.version === versions[i])
    const isCurrent = probed.then((answer) => {
      if ('err' in answer) throw answer.err
      return isLeased && answer.exists.every((exists) => !exists)
    })
    return { use: { ...use, freshnessMs: 0, leaseMs: performance.now() - began }, isCurrent }
  }

  async #lease(names: readonly string[]): Promise<Omit<ViewUse, 'freshnessMs' | 'leaseMs'>> {
    const leave = await this.#gate.enter(names)
    let lease: Lease
    try {
      lease = await this.#files.acquire(names.flatMap((name) => this.#states.get(name)?.keys ?? []))
    } catch (err) {
      leave()
      throw err
    }
    return {
      lease,
      bound: leave,
      release: () => {
        leave()
        lease.release()
      },
    }
  }

  /** Every dataset's view, from one catalog listing asked now (so after the caller started). */
  async refreshAll(): Promise<void> {
    const askedAt = performance.now()
    this.listings += 1
    const list = await this.#catalog.listDatasets()
    const live = new Map(list.datasets.map((manifest) => [manifest.name, manifest]))
    for (const [name, state] of this.#states) {
      // A tombstone's state has no view and keeps its version, so later probes start above it.
      if (state.hasView && !live.has(name) && state.askedAt < askedAt) await this.#drop(name, undefined, askedAt)
    }
    for (const manifest of live.values()) {
      const state = this.#states.get(manifest.name)
      if (state?.hasView && state.version >= manifest.version) continue
      try {
        await this.#create(manifest, askedAt)
      } catch (err) {
        // Listing the catalog must not fail because one dataset's files cannot be read now.
        this.#log.warn({ dataset: manifest.name, err: (err as Error).message }, 'cannot create view')
      }
    }
  }

  async #bringUpToDate(name: string, startedAt: number): Promise<void> {
    for (;;) {
      const pending = this.#loads.get(name)
      if (pending) {
        // A load asked after this query started already includes what the query must see.
        if (pending.askedAt >= startedAt) return pending.done
        await pending.done.catch(() => undefined)
        continue
      }
      const known = this.#states.get(name)?.version ?? 0
      if (!(await this.probe.exists(name, known + 1))) return
      if (this.#loads.has(name)) continue
      const askedAt = performance.now()
      const done = this.#load(name, known, askedAt).finally(() => this.#loads.delete(name))
      this.#loads.set(name, { askedAt, done })
      return done
    }
  }

  /** `known + 1` exists: the catalog's latest manifest of `name` replaces the view. */
  async #load(name: string, known: number, askedAt: number): Promise<void> {
    this.manifestReads += 1
    let manifest: Manifest | undefined
    try {
      manifest = await this.#catalog.getManifest(name)
    } catch (err) {
      if (!(err instanceof NotFound)) throw err
    }
    if (manifest) return this.#create(manifest, askedAt)
    // Deleted: learn the tombstone's version, so that the next query probes above it.
    await this.#drop(name, await this.probe.latest(name, known + 1), askedAt)
  }

  async #create(manifest: Manifest, askedAt: number): Promise<void> {
    const keys = manifest.files.map((f) => f.key)
    const lease = await this.#files.acquire(keys)
    try {
      await this.#gate.exclusive(manifest.name, async () => {
        // Views only move forward: a slower load of an older version never replaces a newer one.
        if ((this.#states.get(manifest.name)?.version ?? 0) > manifest.version) return
        await this.#ddl(viewSql(manifest, lease), StatementType.CREATE)
        this.created += 1
        this.#states.set(manifest.name, { version: manifest.version, keys, hasView: true, askedAt })
      })
    } finally {
      lease.release()
    }
    this.#retainLive()
  }

  /** Drops the view of `name`; `version` is its tombstone's when known (else the state is forgotten). */
  async #drop(name: string, version: number | undefined, askedAt: number): Promise<void> {
    await this.#gate.exclusive(name, async () => {
      const state = this.#states.get(name)
      if (state && (version === undefined ? state.askedAt > askedAt : state.version > version)) return
      if (state?.hasView) await this.#ddl(`DROP VIEW IF EXISTS ${quoteIdent(name)}`, StatementType.DROP)
      if (version === undefined) this.#states.delete(name)
      else this.#states.set(name, { version, keys: [], hasView: false, askedAt })
    })
    this.#retainLive()
  }

  async #ddl(sql: string, expected: StatementType): Promise<void> {
    const connection = await this.#instance.connect()
    try {
      await runOneDdl(connection, sql, expected)
    } finally {
      connection.closeSync()
    }
  }

  /** Files of dropped and replaced versions become unreachable now, not at the next vacuum. */
  #retainLive(): void {
    this.#files.retainOnly?.([...this.#states.values()].flatMap((state) => state.keys))
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
