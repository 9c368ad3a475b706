import { AlreadyExists, Conflict, NotFound } from '@lakehouse/shared/errors.ts'
import type { EmbedPort, VectorPort } from './ports.ts'

// A vectord index per namespace kept as a cache of a log's fold (ADR-004), shared by the trace
// index and the playbook index. Writes run one at a time per namespace; the index is created on
// the first write. Search over-fetches from an index that may be stale (a crash between append and
// upsert, vectord down) and keeps only the hits the caller's fold accepts: the fold decides, never
// the index.

const MAX_FETCH = 1000
const EMBED_BATCH = 256
const DELETE_BATCH = 1000

type Metadata = NonNullable<Parameters<VectorPort['upsert']>[1][number]['metadata']>
type Filter = Parameters<VectorPort['search']>[1]['filter']

export interface IndexedItem {
  id: string
  text: string
  metadata?: Metadata
}

export interface FoldIndexOptions {
  /** The vectord index of a namespace, e.g. `pathway_<namespace>`. */
  indexName: (namespace: string) => string
  /** embedd model for items and queries; unset = embedd's default. */
  model?: string
}

export class FoldIndex {
  readonly #embed: EmbedPort
  readonly #vectors: VectorPort
  readonly #options: FoldIndexOptions
  readonly #pending = new Map<string, Set<string>>()
  readonly #chains = new Map<string, Promise<unknown>>()

  constructor(embed: EmbedPort, vectors: VectorPort, options: FoldIndexOptions) {
    this.#embed = embed
    this.#vectors = vectors
    this.#options = options
  }

  indexName(namespace: string): string {
    return this.#options.indexName(namespace)
  }

  /** The ids of a namespace waiting to be reflected in the index (kept across failed writes). */
  pendingOf(namespace: string): Set<string> {
    const pending = this.#pending.get(namespace) ?? new Set<string>()
    this.#pending.set(namespace, pending)
    return pending
  }

  /** Runs `fn` after every earlier write of the namespace, whatever their outcome. */
  serial(namespace: string, fn: () => Promise<unknown>): Promise<void> {
    const run = (this.#chains.get(namespace) ?? Promise.resolve()).then(fn, fn)
    this.#chains.set(
      namespace,
      run.catch(() => undefined),
    )
    return run.then(() => undefined)
  }

  /** Upserts `live` and deletes `gone`; throws when vectord or embedd fails (the caller retries). */
  async write(namespace: string, live: readonly IndexedItem[], gone: readonly string[]): Promise<void> {
    const name = this.indexName(namespace)
    for (let i = 0; i < live.length; i += EMBED_BATCH) {
      const batch = live.slice(i, i + EMBED_BATCH)
      const { vectors } = await this.#embed.embed({
        texts: batch.map((item) => item.text),
        kind: 'document',
        ...this.#model(),
      })
      const items = batch.map((item, j) => ({
        id: item.id,
        vector: vectors[j] as number[],
        ...(item.metadata ? { metadata: item.metadata } : {}),
      }))
      try {
        await this.#vectors.upsert(name, items)
      } catch (err) {
        if (!(err instanceof NotFound)) throw err
        await this.#createIndex(name, (vectors[0] as number[]).length)
        await this.#vectors.upsert(name, items)
      }
    }
    for (let i = 0; i < gone.length; i += DELETE_BATCH) {
      try {
        await this.#vectors.deleteItems(name, gone.slice(i, i + DELETE_BATCH))
      } catch (err) {
        if (!(err instanceof NotFound)) throw err
        return // no index yet: nothing to delete
      }
    }
  }

  /** The first k hits that `keep` maps to an answer, best first, asking vectord for more as needed. */
  async search<T>(
    namespace: string,
    query: string,
    k: number,
    filter: Filter,
    keep: (id: string, distance: number) => T | undefined,
  ): Promise<T[]> {
    const embedded = await this.#embed.embed({ texts: [query], kind: 'query', ...this.#model() })
    const vector = embedded.vectors[0] as number[]
    let fetchK = Math.min(MAX_FETCH, Math.max(k * 2, k + 10))
    for (;;) {
      let hits: Awaited<ReturnType<VectorPort['search']>>['hits']
      try {
        hits = (
          await this.#vectors.search(this.indexName(namespace), { vector, k: fetchK, ...(filter ? { filter } : {}) })
        ).hits
      } catch (err) {
        if (err instanceof NotFound) return [] // nothing indexed in this namespace yet
        throw err
      }
      const out: T[] = []
      for (const hit of hits) {
        const answer = keep(hit.id, hit.distance)
        if (answer === undefined) continue
        out.push(answer)
        if (out.length === k) break
      }
      if (out.length >= k || hits.length < fetchK || fetchK >= MAX_FETCH) return out
      fetchK = Math.min(MAX_FETCH, fetchK * 2)
    }
  }

  async #createIndex(name: string, dim: number): Promise<void> {
    try {
      await this.#vectors.createIndex({ name, dim, metric: 'cosine', ...this.#model() })
    } catch (err) {
      if (!(err instanceof AlreadyExists || err instanceof Conflict)) throw err
    }
  }

  #model(): { model?: string } {
    return this.#options.model ? { model: this.#options.model } : {}
  }
}
