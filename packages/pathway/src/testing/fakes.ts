import type { CreateIndexRequest, SearchHit, UpsertItem } from '@lakehouse/shared/clients/vectors.ts'
import { AlreadyExists, NotFound } from '@lakehouse/shared/errors.ts'
import type { EmbedPort, VectorPort } from '../index.ts'

// Tests only (never used by a daemon at run time). In-memory embedd and vectord with their clients' behaviour: a deterministic bag-of-words
// embedder (unit vectors, so cosine works) and brute-force cosine indexes that answer NotFound for
// an unknown index and AlreadyExists for a second create. `isStale` makes the index ignore deletes
// and upserts, as a vectord that missed them would.

const DIM = 64

export class FakeEmbed implements EmbedPort {
  calls = 0
  async embed(request: { texts: string[] }) {
    this.calls += 1
    return { model: 'fake-64', dim: DIM, encoding: 'float' as const, vectors: request.texts.map(bagOfWords) }
  }
}

function bagOfWords(text: string): number[] {
  const v = new Array<number>(DIM).fill(0)
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261
    for (const ch of word) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0
    v[h % DIM] = (v[h % DIM] ?? 0) + 1
  }
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}

type Item = { vector: number[]; metadata: Record<string, string | number | boolean | null> }

export class FakeVectors implements VectorPort {
  readonly indexes = new Map<string, Map<string, Item>>()
  isStale = false
  isDown = false

  async createIndex(request: CreateIndexRequest) {
    this.#check()
    if (this.indexes.has(request.name)) throw new AlreadyExists(`index ${request.name} exists`)
    this.indexes.set(request.name, new Map())
    const { name, dim, metric } = request
    const tuning = {
      m: request.m ?? 16,
      ef_construction: request.ef_construction ?? 200,
      ef_search: request.ef_search ?? 50,
    }
    const state = { count: 0, generation: 0, wal_length: 0, job: null, created_at: new Date(0).toISOString() }
    return { name, dim, metric, ...tuning, model: request.model ?? null, ...state }
  }

  async upsert(name: string, items: UpsertItem[]) {
    const index = this.#index(name)
    if (!this.isStale)
      for (const item of items) index.set(item.id, { vector: item.vector ?? [], metadata: item.metadata ?? {} })
    return { upserted: items.length }
  }

  async deleteItems(name: string, ids: string[]) {
    const index = this.#index(name)
    let deleted = 0
    if (!this.isStale) for (const id of ids) deleted += index.delete(id) ? 1 : 0
    return { deleted }
  }

  async search(name: string, request: { vector?: number[]; k?: number; filter?: Record<string, unknown> }) {
    const index = this.#index(name)
    const query = request.vector ?? []
    const hits: SearchHit[] = []
    for (const [id, item] of index) {
      if (request.filter && !Object.entries(request.filter).every(([k, v]) => item.metadata[k] === v)) continue
      const dot = item.vector.reduce((sum, x, i) => sum + x * (query[i] ?? 0), 0)
      hits.push({ id, distance: 1 - dot, metadata: item.metadata })
    }
    hits.sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    return { hits: hits.slice(0, request.k ?? 10) }
  }

  #index(name: string): Map<string, Item> {
    this.#check()
    const index = this.indexes.get(name)
    if (!index) throw new NotFound(`no index ${name}`)
    return index
  }

  #check(): void {
    if (this.isDown) throw new Error('vectord is down')
  }
}
