import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { LRUCache } from 'lru-cache'

// The local Parquet cache of mode `cache` (ADR-007). Files come from storaged and are stored under a
// name derived from their etag, so one content is one file however many keys point at it, and a
// file's content never changes under a name. The cache is bounded in bytes with least-recently-used
// eviction. A query holds a Lease on every file it may read; an evicted file that is leased stays on
// disk until the last lease is released, so eviction never deletes a file under a running query
// (the bound can be exceeded by the leased files meanwhile). Concurrent requests for one key share
// one download (single flight). Files of a previous process are unknown to the index and wiped at start.

const OWN_FILE = /^([0-9a-f]{40}\.parquet|\.part-[0-9a-f-]{36})$/

export interface ObjectSource {
  getStream(key: string): Promise<{ body: Readable; info: { etag: string; size: number } }>
}

interface Entry {
  id: string
  path: string
  bytes: number
  refs: number
  evicted: boolean
}

export interface Lease {
  /** Local path of a leased key. */
  path: (key: string) => string
  release: () => void
}

export interface ParquetCacheOptions {
  dir: string
  maxBytes: number
  source: ObjectSource
  /** Downloads one acquire() runs at once (query.fetch_concurrency); cached files cost none. */
  fetchConcurrency?: number
}

const DEFAULT_FETCH_CONCURRENCY = 8

export class ParquetCache {
  readonly dir: string
  readonly #source: ObjectSource
  readonly #fetchConcurrency: number
  readonly #lru: LRUCache<string, Entry>
  /** key -> file id (hash of the etag); keys are immutable data files, so this never goes stale. */
  readonly #idByKey = new Map<string, string>()
  readonly #inflight = new Map<string, Promise<Entry>>()
  /** Evicted but still leased: deleted on the last release. */
  readonly #leasedEvicted = new Map<string, Entry>()
  fetches = 0
  /** Keys asked for by acquire(); those not fetched were hits (metrics, ADR-019). */
  lookups = 0

  constructor(options: ParquetCacheOptions) {
    this.dir = options.dir
    this.#source = options.source
    this.#fetchConcurrency = Math.max(1, options.fetchConcurrency ?? DEFAULT_FETCH_CONCURRENCY)
    mkdirSync(this.dir, { recursive: true })
    // Only files this cache names are removed: a mistaken cache_dir must never lose anything else.
    for (const name of readdirSync(this.dir)) if (OWN_FILE.test(name)) rmSync(join(this.dir, name), { force: true })
    this.#lru = new LRUCache<string, Entry>({
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      dispose: (entry) => this.#evict(entry),
    })
  }

  /**
   * Local paths of every key, present on disk until release(). Files already cached are held with
   * no round trip; missing ones are fetched in parallel, at most fetchConcurrency at once, and the
   * first failure releases everything held and is thrown.
   */
  async acquire(keys: readonly string[]): Promise<Lease> {
    const held = new Map<string, Entry>()
    const release = () => {
      for (const entry of held.values()) this.#unref(entry)
      held.clear()
    }
    const pending = [...new Set(keys)]
    this.lookups += pending.length
    let failure: unknown
    const hold = (key: string, entry: Entry) => {
      entry.refs += 1
      held.set(key, entry)
    }
    // Cached files are held at once, with no await; only the misses take a worker.
    const misses: string[] = []
    for (const key of pending) {
      const entry = this.#cached(key)
      if (entry) hold(key, entry)
      else misses.push(key)
    }
    const worker = async () => {
      for (let key = misses.pop(); key !== undefined && failure === undefined; key = misses.pop()) {
        try {
          let entry = await this.#entry(key)
          // Another download may have evicted (and deleted) it between its arrival and this line.
          while (this.#isGone(entry)) entry = await this.#entry(key)
          hold(key, entry)
        } catch (err) {
          failure ??= err
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.#fetchConcurrency, misses.length) }, worker))
    if (failure !== undefined) {
      release()
      throw failure
    }
    return {
      path: (key) => {
        const entry = held.get(key)
        if (!entry) throw new Error(`key ${key} is not part of this lease`)
        return entry.path
      },
      release,
    }
  }

  /**
   * Evicts every file that no key of `liveKeys` names (ADR-007, issue 9 item 6b): the files of a
   * deleted or replaced version leave the cache folder as soon as the views stop naming them, or,
   * when a running query still holds them, as soon as it ends.
   */
  retainOnly(liveKeys: Iterable<string>): void {
    const liveIds = new Set<string>()
    const keys = new Set(liveKeys)
    for (const key of keys) {
      const id = this.#idByKey.get(key)
      if (id !== undefined) liveIds.add(id)
    }
    for (const [key, id] of this.#idByKey) {
      if (keys.has(key)) continue
      this.#idByKey.delete(key)
      if (!liveIds.has(id)) this.#lru.delete(id)
    }
  }

  get bytes(): number {
    return this.#lru.calculatedSize
  }

  has(key: string): boolean {
    const id = this.#idByKey.get(key)
    return id !== undefined && this.#lru.has(id)
  }

  /** The entry of `key` when its file is on disk now. */
  #cached(key: string): Entry | undefined {
    const id = this.#idByKey.get(key)
    return id === undefined ? undefined : this.#existing(id)
  }

  async #entry(key: string): Promise<Entry> {
    const cached = this.#cached(key)
    if (cached) return cached
    let pending = this.#inflight.get(key)
    if (!pending) {
      pending = this.#fetch(key).finally(() => this.#inflight.delete(key))
      this.#inflight.set(key, pending)
    }
    return pending
  }

  async #fetch(key: string): Promise<Entry> {
    const { body, info } = await this.#source.getStream(key)
    const id = createHash('sha256').update(info.etag).digest('hex').slice(0, 40)
    const existing = this.#existing(id)
    if (existing) {
      body.on('error', () => {}).destroy()
      this.#idByKey.set(key, id)
      return existing
    }
    this.fetches += 1
    const path = join(this.dir, `${id}.parquet`)
    const temp = join(this.dir, `.part-${randomUUID()}`)
    try {
      await pipeline(body, createWriteStream(temp))
    } catch (err) {
      rmSync(temp, { force: true })
      throw err
    }
    // Another key of the same content may have arrived meanwhile: its entry owns the file, and a
    // second entry for it would unlink the file under the first when one of them is disposed.
    const arrived = this.#existing(id)
    if (arrived) {
      rmSync(temp, { force: true })
      this.#idByKey.set(key, id)
      return arrived
    }
    renameSync(temp, path)
    const entry: Entry = { id, path, bytes: statSync(path).size, refs: 0, evicted: false }
    this.#idByKey.set(key, id)
    this.#keep(entry)
    return entry
  }

  /** The entry of a content id, cached or evicted but still leased (then kept again). */
  #existing(id: string): Entry | undefined {
    const cached = this.#lru.get(id)
    if (cached) return cached
    const leased = this.#leasedEvicted.get(id)
    if (leased) this.#keep(leased)
    return leased
  }

  /** Puts an entry under the LRU; one larger than the whole bound is served but kept only while leased. */
  #keep(entry: Entry): void {
    this.#leasedEvicted.delete(entry.id)
    entry.evicted = false
    this.#lru.set(entry.id, entry)
    if (!this.#lru.has(entry.id)) {
      entry.evicted = true
      this.#leasedEvicted.set(entry.id, entry)
    }
  }

  #isGone(entry: Entry): boolean {
    return entry.evicted && !this.#leasedEvicted.has(entry.id)
  }

  #evict(entry: Entry): void {
    entry.evicted = true
    if (entry.refs > 0) this.#leasedEvicted.set(entry.id, entry)
    else this.#unlink(entry)
  }

  #unref(entry: Entry): void {
    entry.refs -= 1
    if (entry.refs <= 0 && entry.evicted) {
      this.#leasedEvicted.delete(entry.id)
      this.#unlink(entry)
    }
  }

  #unlink(entry: Entry): void {
    // Synchronous on purpose: a re-fetch of the same content must never race a pending unlink.
    try {
      unlinkSync(entry.path)
    } catch {
      // already gone
    }
  }
}
