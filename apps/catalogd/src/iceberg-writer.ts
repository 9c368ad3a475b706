import { NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import type { Catalog } from './catalog.ts'
import { icebergMetadataKey } from './iceberg-layout.ts'
import { IcebergTable, Unrepresentable, type VersionObjects } from './iceberg-metadata.ts'
import { IcebergRetention } from './iceberg-retention.ts'
import type { CatalogStorage } from './storage-port.ts'

// Writes the derived Iceberg metadata (ADR-016): for every catalog version that lacks its
// v<N>.metadata.json, the version's objects create-only, the metadata file last (its presence
// means the version is complete). A commit never waits for this: commits schedule a background
// pass, and the REST catalog runs one (awaited) before it answers for a table. A lost create-only
// race is success: the other writer derived the same bytes.
//
// Incremental (issue 18): each dataset's IcebergTable is kept in memory as of the last version
// this process wrote, so a pass reads only the new versions' manifests. A cold start (or a pass
// that failed half-way) rebuilds it by one replay of the history.
//
// Retention (iceberg-retention.ts): after a pass has written its versions, what no kept metadata
// file references is deleted, in the background of the pass (a REST answer does not wait for it).

export interface IcebergWriterDeps {
  storage: CatalogStorage
  /** Every committed version of a dataset, oldest first (a cold start's one replay). */
  history: (name: string) => Promise<Manifest[]>
  /** The latest version number, a delete's tombstone included; 0 when the dataset never existed. */
  latest: (name: string) => Promise<number>
  /** One version's manifest, a tombstone included. */
  manifest: (name: string, version: number) => Promise<Manifest>
  warehouse: string
  /** Previous v<N>.metadata.json files kept per table besides the current one (catalog.iceberg_previous_versions_max). */
  previousVersionsMax: number
  onError: (name: string, err: unknown) => void
}

interface TableState {
  table: IcebergTable
  retention: IcebergRetention
}

export class IcebergWriter {
  readonly #deps: IcebergWriterDeps
  /** Per dataset, the table state as of the highest version known written (metadata is immutable). */
  readonly #tables = new Map<string, TableState>()
  /** One pass per dataset at a time; a request during a pass waits for it, then runs its own. */
  readonly #running = new Map<string, Promise<number>>()
  /** One prune per dataset at a time; one asked for meanwhile runs after it (`again`). */
  readonly #pruning = new Map<string, { done: Promise<void>; again: boolean }>()

  constructor(deps: IcebergWriterDeps) {
    this.#deps = deps
  }

  get warehouse(): string {
    return this.#deps.warehouse
  }

  /** A pass in the background; failures are logged, never thrown at the committer. */
  schedule(name: string): void {
    this.ensure(name).catch((err) => this.#deps.onError(name, err))
  }

  /** Resolves when every version committed before the call has its metadata; the latest version. */
  async ensure(name: string): Promise<number> {
    const running = this.#running.get(name)
    if (running) {
      await running.catch(() => undefined)
      return this.ensure(name)
    }
    const pass = this.#pass(name).finally(() => this.#running.delete(name))
    this.#running.set(name, pass)
    return pass
  }

  /** Waits for the passes in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#running.size > 0 || this.#pruning.size > 0) {
      await Promise.allSettled([...this.#running.values(), ...[...this.#pruning.values()].map((p) => p.done)])
    }
  }

  async #pass(name: string): Promise<number> {
    try {
      const state = this.#tables.get(name)
      const latest = state ? await this.#advance(name, state) : await this.#coldStart(name)
      this.#prune(name)
      return latest
    } catch (err) {
      // The state may be ahead of what was written: the next pass replays instead. An
      // unrepresentable version left it unchanged, every version below written: kept.
      if (!(err instanceof Unrepresentable)) this.#tables.delete(name)
      throw err
    }
  }

  /** Versions table.version+1..latest, each read by its number and written unless already there. */
  async #advance(name: string, { table, retention }: TableState): Promise<number> {
    const latest = await this.#deps.latest(name)
    while (table.version < latest) {
      const objects = table.apply(await this.#deps.manifest(name, table.version + 1))
      await this.#write(name, objects)
      retention.record(objects.version, table.references)
    }
    return latest
  }

  /** Retention after a pass, off its path; errors are reported, the next pass retries. */
  #prune(name: string): void {
    const running = this.#pruning.get(name)
    if (running) {
      running.again = true
      return
    }
    const entry = { done: Promise.resolve(), again: false }
    const run = async (): Promise<void> => {
      do {
        entry.again = false
        const retention = this.#tables.get(name)?.retention
        await retention?.prune(this.#deps.storage).catch((err: unknown) => this.#deps.onError(name, err))
      } while (entry.again)
    }
    entry.done = run().finally(() => this.#pruning.delete(name))
    this.#pruning.set(name, entry)
  }

  /**
   * One replay of the history. Written versions are found from the latest down: a pass writes
   * versions in order and only after the ones below exist, so the first one present closes the gap.
   */
  async #coldStart(name: string): Promise<number> {
    const history = await this.#deps.history(name)
    const first = history[0]
    const latest = history.at(-1)?.version ?? 0
    if (!first) return latest
    let written = latest
    while (written > 0 && !(await this.#deps.storage.head(icebergMetadataKey(name, written)))) written--
    const keep = this.#deps.previousVersionsMax
    const table = new IcebergTable(first, this.#deps.warehouse, keep)
    const retention = new IcebergRetention(name, keep)
    this.#tables.set(name, { table, retention })
    for (const manifest of history) {
      const encode = manifest.version > written
      const objects = table.apply(manifest, encode)
      if (encode) await this.#write(name, objects)
      retention.record(manifest.version, table.references)
    }
    return latest
  }

  async #write(name: string, { version, objects }: VersionObjects): Promise<void> {
    if (await this.#deps.storage.head(icebergMetadataKey(name, version))) return
    for (const object of objects) await this.#create(object.key, object.body)
  }

  async #create(key: string, body: Buffer): Promise<void> {
    try {
      await this.#deps.storage.putIfAbsent(key, body)
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
  }
}

/**
 * `latest` and `manifest` over the catalog's API, which answers NotFound for a tombstone: only
 * then (a delete, rare) is the history read to find it.
 */
export function icebergVersions(catalog: Catalog): Pick<IcebergWriterDeps, 'latest' | 'manifest'> {
  const tombstone = async (name: string, err: unknown, version?: number): Promise<Manifest> => {
    if (!(err instanceof NotFound)) throw err
    const history = await catalog.history(name)
    const found = version === undefined ? history.at(-1) : history.find((m) => m.version === version)
    if (!found) throw err
    return found
  }
  return {
    latest: async (name) => {
      const latest = await catalog.getManifest(name).catch((err: unknown) =>
        tombstone(name, err).catch((missing: unknown) => {
          if (missing instanceof NotFound) return undefined
          throw missing
        }),
      )
      return latest?.version ?? 0
    },
    manifest: (name, version) =>
      catalog.getManifest(name, version).catch((err: unknown) => tombstone(name, err, version)),
  }
}
