import { NotFound, PreconditionFailed } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { LRUCache } from 'lru-cache'
import { idempotencyKey } from './layout.ts'
import type { CatalogStorage } from './storage-port.ts'

// Finds the earlier commit of an idempotency key in O(1) storage calls (ADR-005). The manifest is
// the truth (it carries the key); catalog/<name>/idem/<sha256(key)>.json is an index to it, written
// create-only AFTER the manifest. The gap a crash can leave between the two is closed by the rule
// "before writing version N+1, index version N": so every version below the latest is indexed,
// and a key is committed iff the latest manifest carries it or its index entry exists. That rule
// is also what lets a commit write its own index entry after its acknowledgement (ADR-020).

interface IndexEntry {
  idempotency_key: string
  version: number
}

/** Bytes of index keys remembered as written (64-hex names: ~100 B each, so ~40K of them). */
const INDEXED_CACHE_BYTES = 4 * 1024 * 1024

export class IdempotencyIndex {
  readonly #storage: CatalogStorage
  /** Index objects known to exist; they are create-only, so this never goes stale. */
  readonly #indexed = new LRUCache<string, true>({
    maxSize: INDEXED_CACHE_BYTES,
    sizeCalculation: (_, key) => 2 * key.length + 64,
  })
  /** Index writes started after an acknowledgement and not yet done, by index key. */
  readonly #inFlight = new Map<string, Promise<void>>()

  constructor(storage: CatalogStorage) {
    this.#storage = storage
  }

  cacheBytes(): number {
    return this.#indexed.calculatedSize
  }

  /** Makes sure `manifest`'s key (if it has one) is findable through the index. */
  async ensureIndexed(manifest: Manifest | undefined): Promise<void> {
    if (!manifest?.idempotency_key) return
    const key = idempotencyKey(manifest.name, manifest.idempotency_key)
    if (this.#indexed.has(key)) return
    const running = this.#inFlight.get(key)
    if (running) {
      // A failed background write is retried here: the rule needs it done before N+1.
      if (
        await running.then(
          () => true,
          () => false,
        )
      )
        return
    }
    await this.#write(key, manifest)
  }

  /** Indexes a version just committed, off the acknowledgement path; the next commit awaits it. */
  indexInBackground(manifest: Manifest): void {
    if (!manifest.idempotency_key) return
    const key = idempotencyKey(manifest.name, manifest.idempotency_key)
    if (this.#indexed.has(key) || this.#inFlight.has(key)) return
    const write = this.#write(key, manifest).finally(() => this.#inFlight.delete(key))
    write.catch(() => undefined)
    this.#inFlight.set(key, write)
  }

  /** The version the index names for `key`, or undefined (the latest version is checked by the caller). */
  async lookup(name: string, key: string): Promise<number | undefined> {
    let bytes: Buffer
    try {
      bytes = await this.#storage.getBuffer(idempotencyKey(name, key))
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
    return (JSON.parse(bytes.toString('utf8')) as IndexEntry).version
  }

  /** Waits for the index writes in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()])
  }

  async #write(key: string, manifest: Manifest): Promise<void> {
    const entry: IndexEntry = { idempotency_key: manifest.idempotency_key as string, version: manifest.version }
    try {
      await this.#storage.putIfAbsent(key, JSON.stringify(entry))
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err
    }
    this.#indexed.set(key, true)
  }
}
