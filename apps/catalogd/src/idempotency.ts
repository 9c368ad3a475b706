import { NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { LRUCache } from 'lru-cache'
import { idempotencyKey } from './layout.ts'
import type { ManifestStore } from './manifest-store.ts'
import type { CatalogStorage } from './storage-port.ts'

// Finds the earlier commit of an idempotency key in O(1) storage calls (ADR-005). The manifest is
// the truth (it carries the key); catalog/<name>/idem/<sha256(key)>.json is an index to it, written
// create-only AFTER the manifest. The gap a crash can leave between the two is closed by the rule
// "before writing version N+1, index version N": so every version below the latest is indexed,
// and a key is committed iff the latest manifest carries it or its index entry exists.

interface IndexEntry {
  idempotency_key: string
  version: number
}

export class IdempotencyIndex {
  readonly #storage: CatalogStorage
  readonly #store: ManifestStore
  /** Index objects known to exist; they are create-only, so this never goes stale. */
  readonly #indexed = new LRUCache<string, true>({ max: 100_000 })

  constructor(storage: CatalogStorage, store: ManifestStore) {
    this.#storage = storage
    this.#store = store
  }

  /** Makes sure `manifest`'s key (if it has one) is findable through the index. */
  async ensureIndexed(manifest: Manifest | undefined): Promise<void> {
    if (!manifest?.idempotency_key) return
    const key = idempotencyKey(manifest.name, manifest.idempotency_key)
    if (this.#indexed.has(key)) return
    const entry: IndexEntry = { idempotency_key: manifest.idempotency_key, version: manifest.version }
    try {
      await this.#storage.putIfAbsent(key, JSON.stringify(entry))
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
    this.#indexed.set(key, true)
  }

  /** The manifest an earlier commit of `idempotencyKey` produced, given the dataset's latest manifest. */
  async find(name: string, key: string, latest: Manifest | undefined): Promise<Manifest | undefined> {
    if (latest?.idempotency_key === key) return latest
    let bytes: Buffer
    try {
      bytes = await this.#storage.getBuffer(idempotencyKey(name, key))
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
    const entry = JSON.parse(bytes.toString('utf8')) as IndexEntry
    const manifest = await this.#store.read(name, entry.version)
    return manifest?.idempotency_key === key ? manifest : undefined
  }
}
