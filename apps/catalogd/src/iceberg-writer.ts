import { PreconditionFailed } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { icebergMetadataKey } from './iceberg-layout.ts'
import { deriveIceberg, Unrepresentable, type VersionObjects } from './iceberg-metadata.ts'
import type { CatalogStorage } from './storage-port.ts'

// Writes the derived Iceberg metadata (ADR-016): for every catalog version that lacks its
// v<N>.metadata.json, the version's objects create-only, the metadata file last (its presence
// means the version is complete). A commit never waits for this: commits schedule a background
// pass, and the REST catalog runs one (awaited) before it answers for a table. A lost create-only
// race is success: the other writer derived the same bytes.

export interface IcebergWriterDeps {
  storage: CatalogStorage
  /** Every committed version of a dataset, oldest first. */
  history: (name: string) => Promise<Manifest[]>
  warehouse: string
  onError: (name: string, err: unknown) => void
}

export class IcebergWriter {
  readonly #deps: IcebergWriterDeps
  /** Highest version known written per dataset: metadata is immutable, so this never goes stale. */
  readonly #done = new Map<string, number>()
  /** One pass per dataset at a time; a request during a pass waits for it, then runs its own. */
  readonly #running = new Map<string, Promise<number>>()

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
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()])
  }

  async #pass(name: string): Promise<number> {
    const history = await this.#deps.history(name)
    const latest = history.at(-1)?.version ?? 0
    const done = this.#done.get(name) ?? 0
    if (latest <= done) return latest
    const pending: VersionObjects[] = []
    let refused: unknown
    try {
      deriveIceberg(history, this.#deps.warehouse, (objects) => pending.push(objects), done + 1)
    } catch (err) {
      if (!(err instanceof Unrepresentable)) throw err
      refused = err
    }
    for (const { version, objects } of pending) {
      if (!(await this.#deps.storage.head(icebergMetadataKey(name, version)))) {
        for (const object of objects) await this.#create(object.key, object.body)
      }
      this.#done.set(name, version)
    }
    if (refused) throw refused
    return latest
  }

  async #create(key: string, body: Buffer): Promise<void> {
    try {
      await this.#deps.storage.putIfAbsent(key, body)
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
  }
}
