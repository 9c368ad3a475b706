import { type EmbedPort, FoldIndex, type VectorPort } from '@lakehouse/pathway'
import type { VectorClient } from '@lakehouse/shared/clients/vectors.ts'
import type { Playbook, SearchPlaybooksAnswer } from '@lakehouse/shared/contracts/playbooks.ts'
import { NotFound } from '@lakehouse/shared/errors.ts'
import type { PlaybookState } from './playbook-fold.ts'

// The vector side of playbooks: one vectord index per namespace, `playbook_<namespace>`, holding the
// task vectors of sealed playbooks. The index is a cache of the log: a write that failed (vectord
// down, a crash between append and upsert) is retried before the next search, and a process that
// opens a namespace compares the index's count with the fold's once and re-indexes on a difference.
// Search keeps only what the fold says is sealed, so a stale index never returns a retired playbook.

/** vectord as pathway uses it; getIndex (for the count check at start) is optional: without it a
 * process re-indexes a namespace once when it first opens it. */
export type PlaybookVectorPort = VectorPort & Partial<Pick<VectorClient, 'getIndex'>>

export function playbookIndexName(namespace: string): string {
  return `playbook_${namespace}`
}

export interface PlaybookIndexOptions {
  model?: string
  log?: { warn(details: object, message: string): void }
}

export class PlaybookIndex {
  readonly #index: FoldIndex
  readonly #vectors: PlaybookVectorPort
  readonly #options: PlaybookIndexOptions
  readonly #reconciled = new Set<string>()

  constructor(embed: EmbedPort, vectors: PlaybookVectorPort, options: PlaybookIndexOptions = {}) {
    this.#index = new FoldIndex(embed, vectors, {
      indexName: playbookIndexName,
      ...(options.model ? { model: options.model } : {}),
    })
    this.#vectors = vectors
    this.#options = options
  }

  /** Brings the index in line with the fold for these ids; a failure is remembered, not thrown. */
  reflect(namespace: string, ids: string[], state: () => PlaybookState): Promise<void> {
    for (const id of ids) this.#index.pendingOf(namespace).add(id)
    return this.#index.serial(namespace, () => this.#flush(namespace, state()))
  }

  async search(namespace: string, task: string, k: number, state: () => PlaybookState): Promise<SearchPlaybooksAnswer> {
    await this.#index.serial(namespace, () => this.#flush(namespace, state()))
    const hits = await this.#index.search(namespace, task, k, undefined, (id, distance) => {
      const playbook = state().playbooks.get(id)
      if (playbook?.status !== 'sealed') return undefined // the fold decides: retired or unknown ids never pass
      const { playbook_id, task: sealedTask, review_id, sealed_at } = playbook
      return { playbook_id, task: sealedTask, score: 1 - distance, review_id, sealed_at }
    })
    return { hits }
  }

  async #flush(namespace: string, state: PlaybookState): Promise<void> {
    const pending = this.#index.pendingOf(namespace)
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
      await this.#index.write(
        namespace,
        sealed.map((p) => ({ id: p.playbook_id, text: p.task })),
        gone,
      )
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
}

function countSealed(state: PlaybookState): number {
  let n = 0
  for (const p of state.playbooks.values()) if (p.status === 'sealed') n++
  return n
}
