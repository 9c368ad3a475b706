import type { EmbedPort, VectorPort } from '@lakehouse/pathway'
import type { VectorClient } from '@lakehouse/shared/clients/vectors.ts'
import type { Playbook, SearchPlaybooksAnswer } from '@lakehouse/shared/contracts/playbooks.ts'
import { AlreadyExists, Conflict, NotFound } from '@lakehouse/shared/errors.ts'
import type { PlaybookState } from './playbook-fold.ts'

// The vector side of playbooks: one vectord index per namespace, `playbook_<namespace>`, holding the
// task vectors of sealed playbooks. The index is a cache of the log: a write that failed (vectord
// down, a crash between append and upsert) is retried before the next search, and a process that
// opens a namespace compares the index's count with the fold's once and re-indexes on a difference.
// Search keeps only what the fold says is sealed, so a stale index never returns a retired playbook.

/** vectord as pathway uses it; getIndex (for the count check at start) is optional: without it a
 * process re-indexes a namespace once when it first opens it. */
export type PlaybookVectorPort = VectorPort & Partial<Pick<VectorClient, 'getIndex'>>

const EMBED_BATCH = 256
const MAX_FETCH = 1000

export function playbookIndexName(namespace: string): string {
  return `playbook_${namespace}`
}

export interface PlaybookIndexOptions {
  model?: string
  log?: { warn(details: object, message: string): void }
}

export class PlaybookIndex {
  readonly #embed: EmbedPort
  readonly #vectors: PlaybookVectorPort
  readonly #options: PlaybookIndexOptions
  readonly #pending = new Map<string, Set<string>>()
  readonly #reconciled = new Set<string>()
  readonly #chains = new Map<string, Promise<unknown>>()

  constructor(embed: EmbedPort, vectors: PlaybookVectorPort, options: PlaybookIndexOptions = {}) {
    this.#embed = embed
    this.#vectors = vectors
    this.#options = options
  }

  /** Brings the index in line with the fold for these ids; a failure is remembered, not thrown. */
  reflect(namespace: string, ids: string[], state: () => PlaybookState): Promise<void> {
    for (const id of ids) this.#pendingOf(namespace).add(id)
    return this.#serial(namespace, () => this.#flush(namespace, state()))
  }

  async search(namespace: string, task: string, k: number, state: () => PlaybookState): Promise<SearchPlaybooksAnswer> {
    await this.#serial(namespace, () => this.#flush(namespace, state()))
    const { vectors } = await this.#embed.embed({ texts: [task], kind: 'query', ...this.#model() })
    const vector = vectors[0] as number[]
    let fetchK = Math.min(MAX_FETCH, Math.max(k * 2, k + 10))
    for (;;) {
      let hits: Awaited<ReturnType<PlaybookVectorPort['search']>>['hits']
      try {
        hits = (await this.#vectors.search(playbookIndexName(namespace), { vector, k: fetchK })).hits
      } catch (err) {
        if (err instanceof NotFound) return { hits: [] }
        throw err
      }
      const current = state()
      const out: SearchPlaybooksAnswer['hits'] = []
      for (const hit of hits) {
        const playbook = current.playbooks.get(hit.id)
        if (playbook?.status !== 'sealed') continue // the fold decides: retired or unknown ids never pass
        const { playbook_id, task: sealedTask, review_id, sealed_at } = playbook
        out.push({ playbook_id, task: sealedTask, score: 1 - hit.distance, review_id, sealed_at })
        if (out.length === k) break
      }
      if (out.length >= k || hits.length < fetchK || fetchK >= MAX_FETCH) return { hits: out }
      fetchK = Math.min(MAX_FETCH, fetchK * 2)
    }
  }

  async #flush(namespace: string, state: PlaybookState): Promise<void> {
    const pending = this.#pendingOf(namespace)
    try {
      if (!this.#reconciled.has(namespace)) {
        if ((await this.#indexedCount(namespace)) !== countSealed(state)) {
          for (const id of state.playbooks.keys()) pending.add(id)
        }
        this.#reconciled.add(namespace)
      }
      if (pending.size === 0) return
      const ids = [...pending]
      const sealed = ids.map((id) => state.playbooks.get(id)).filter((p): p is Playbook => p?.status === 'sealed')
      const gone = ids.filter((id) => state.playbooks.get(id)?.status !== 'sealed')
      await this.#upsert(namespace, sealed)
      if (gone.length > 0) await this.#delete(namespace, gone)
      for (const id of ids) pending.delete(id)
    } catch (err) {
      this.#options.log?.warn(
        { namespace, pending: pending.size, err },
        'playbook index not updated; retried before the next search',
      )
    }
  }

  async #indexedCount(namespace: string): Promise<number> {
    if (!this.#vectors.getIndex) return -1
    try {
      const info = (await this.#vectors.getIndex(playbookIndexName(namespace))) as { count?: unknown }
      return typeof info.count === 'number' ? info.count : -1
    } catch (err) {
      if (err instanceof NotFound) return 0
      throw err
    }
  }

  async #upsert(namespace: string, playbooks: Playbook[]): Promise<void> {
    const name = playbookIndexName(namespace)
    for (let i = 0; i < playbooks.length; i += EMBED_BATCH) {
      const batch = playbooks.slice(i, i + EMBED_BATCH)
      const { vectors } = await this.#embed.embed({
        texts: batch.map((p) => p.task),
        kind: 'document',
        ...this.#model(),
      })
      const items = batch.map((p, j) => ({ id: p.playbook_id, vector: vectors[j] as number[] }))
      try {
        await this.#vectors.upsert(name, items)
      } catch (err) {
        if (!(err instanceof NotFound)) throw err
        await this.#createIndex(name, (vectors[0] as number[]).length)
        await this.#vectors.upsert(name, items)
      }
    }
  }

  async #delete(namespace: string, ids: string[]): Promise<void> {
    try {
      await this.#vectors.deleteItems(playbookIndexName(namespace), ids)
    } catch (err) {
      if (!(err instanceof NotFound)) throw err
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

  #pendingOf(namespace: string): Set<string> {
    const pending = this.#pending.get(namespace) ?? new Set<string>()
    this.#pending.set(namespace, pending)
    return pending
  }

  #serial(namespace: string, fn: () => Promise<void>): Promise<void> {
    const run = (this.#chains.get(namespace) ?? Promise.resolve()).then(fn, fn)
    this.#chains.set(
      namespace,
      run.catch(() => undefined),
    )
    return run
  }
}

function countSealed(state: PlaybookState): number {
  let n = 0
  for (const p of state.playbooks.values()) if (p.status === 'sealed') n++
  return n
}
