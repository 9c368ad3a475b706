import type { Metadata, Metric, SearchHit } from '@lakehouse/shared/contracts/vectors.ts'
import hnswlib from 'hnswlib-node'

// One index in memory: hnswlib's graph (which holds the vectors) plus the string-id and metadata
// tables hnswlib has no room for. It is only ever changed by applying a WAL batch (index-store.ts),
// so the same batches in the same order always give the same items. Search plans on the filter's
// cardinality: few matching items -> exact scan over them; else hnswlib's filtered search, with the
// exact scan as the fallback whenever the graph walk returns fewer hits than there are matches.

export interface IndexParams {
  name: string
  dim: number
  metric: Metric
  m: number
  ef_construction: number
  ef_search: number
  model: string | null
  created_at: string
}

export interface ItemWrite {
  id: string
  vector: Float32Array
  metadata: Metadata
}

/** What LHV1 keeps beside hnswlib's own file: the id and metadata of every live label. */
export interface ItemTables {
  next_label: number
  labels: number[]
  ids: string[]
  metadata: Metadata[]
}

export interface SearchOptions {
  k: number
  ef?: number
  filter?: Metadata
  /** Filters matching at most this many items are answered exactly. */
  exactFilterMax: number
}

const INITIAL_CAPACITY = 1024

export class VectorIndex {
  readonly params: IndexParams
  readonly #hnsw: hnswlib.HierarchicalNSW
  readonly #labelOf = new Map<string, number>()
  readonly #idOf = new Map<number, string>()
  readonly #metaOf = new Map<number, Metadata>()
  #nextLabel = 0
  /** Slots of deleted items that allowReplaceDeleted lets the next new item take. */
  #freeSlots = 0

  private constructor(params: IndexParams, hnsw: hnswlib.HierarchicalNSW) {
    this.params = params
    this.#hnsw = hnsw
  }

  static create(params: IndexParams): VectorIndex {
    const hnsw = new hnswlib.HierarchicalNSW(params.metric, params.dim)
    hnsw.initIndex({
      maxElements: INITIAL_CAPACITY,
      m: params.m,
      efConstruction: params.ef_construction,
      allowReplaceDeleted: true,
    })
    return new VectorIndex(params, hnsw)
  }

  /** From hnswlib's file (written by writeGraph) and the tables of the same moment. */
  static load(params: IndexParams, graphPath: string, tables: ItemTables): VectorIndex {
    const hnsw = new hnswlib.HierarchicalNSW(params.metric, params.dim)
    hnsw.readIndexSync(graphPath, true)
    const index = new VectorIndex(params, hnsw)
    index.#nextLabel = tables.next_label
    tables.labels.forEach((label, i) => {
      const id = tables.ids[i] as string
      index.#labelOf.set(id, label)
      index.#idOf.set(label, id)
      index.#metaOf.set(label, tables.metadata[i] ?? {})
    })
    index.#freeSlots = hnsw.getCurrentCount() - tables.labels.length
    return index
  }

  get count(): number {
    return this.#labelOf.size
  }

  get capacity(): number {
    return this.#hnsw.getMaxElements()
  }

  upsert(items: ItemWrite[]): void {
    const fresh = items.filter((item) => !this.#labelOf.has(item.id)).length
    this.#ensureCapacity(fresh)
    for (const item of items) {
      const existing = this.#labelOf.get(item.id)
      const vector = Array.from(item.vector)
      if (existing !== undefined) {
        this.#hnsw.addPoint(vector, existing, false)
        this.#metaOf.set(existing, item.metadata)
        continue
      }
      const label = this.#nextLabel++
      this.#hnsw.addPoint(vector, label, this.#freeSlots > 0)
      if (this.#freeSlots > 0) this.#freeSlots--
      this.#labelOf.set(item.id, label)
      this.#idOf.set(label, item.id)
      this.#metaOf.set(label, item.metadata)
    }
  }

  /** Answers how many of `ids` were present. */
  delete(ids: string[]): number {
    let deleted = 0
    for (const id of ids) {
      const label = this.#labelOf.get(id)
      if (label === undefined) continue
      this.#hnsw.markDelete(label)
      this.#labelOf.delete(id)
      this.#idOf.delete(label)
      this.#metaOf.delete(label)
      this.#freeSlots++
      deleted++
    }
    return deleted
  }

  getItem(id: string): { id: string; vector: number[]; metadata: Metadata } | undefined {
    const label = this.#labelOf.get(id)
    if (label === undefined) return undefined
    return { id, vector: this.#hnsw.getPoint(label), metadata: this.#metaOf.get(label) ?? {} }
  }

  search(query: Float32Array | number[], options: SearchOptions): SearchHit[] {
    const k = Math.min(options.k, this.count)
    if (k === 0) return []
    const vector = Array.from(query)
    if (!options.filter || Object.keys(options.filter).length === 0) {
      return this.#graphSearch(vector, k, options.ef)
    }
    const matching = this.#matching(options.filter)
    if (matching.length <= options.exactFilterMax) return this.exactSearch(vector, k, matching)
    const allowed = new Set(matching)
    const hits = this.#graphSearch(vector, Math.min(k, matching.length), options.ef, (label) => allowed.has(label))
    if (hits.length < Math.min(k, matching.length)) return this.exactSearch(vector, k, matching)
    return hits
  }

  /** Exact k nearest among `labels` (all live items when absent), with hnswlib's own distances. */
  exactSearch(query: number[], k: number, labels: number[] = [...this.#idOf.keys()]): SearchHit[] {
    const q = this.params.metric === 'cosine' ? normalized(query) : query
    const scored = labels.map((label) => ({ label, distance: this.#distance(q, this.#hnsw.getPoint(label)) }))
    scored.sort((a, b) => a.distance - b.distance || a.label - b.label)
    return scored.slice(0, k).map(({ label, distance }) => this.#hit(label, distance))
  }

  writeGraph(path: string): void {
    this.#hnsw.writeIndexSync(path)
  }

  tables(): ItemTables {
    const labels = [...this.#idOf.keys()]
    return {
      next_label: this.#nextLabel,
      labels,
      ids: labels.map((label) => this.#idOf.get(label) as string),
      metadata: labels.map((label) => this.#metaOf.get(label) ?? {}),
    }
  }

  #graphSearch(vector: number[], k: number, ef: number | undefined, filter?: (label: number) => boolean): SearchHit[] {
    this.#hnsw.setEf(Math.max(ef ?? this.params.ef_search, k))
    const result = this.#hnsw.searchKnn(vector, k, filter)
    return result.neighbors.map((label, i) => this.#hit(label, result.distances[i] as number))
  }

  #matching(filter: Metadata): number[] {
    const pairs = Object.entries(filter)
    const out: number[] = []
    for (const [label, metadata] of this.#metaOf) {
      if (pairs.every(([field, value]) => metadata[field] === value)) out.push(label)
    }
    return out
  }

  #ensureCapacity(fresh: number): void {
    const needed = this.#hnsw.getCurrentCount() + Math.max(0, fresh - this.#freeSlots)
    const capacity = this.#hnsw.getMaxElements()
    if (needed > capacity) this.#hnsw.resizeIndex(Math.max(needed, capacity * 2))
  }

  #distance(q: number[], p: number[]): number {
    if (this.params.metric === 'l2') {
      let sum = 0
      for (let i = 0; i < q.length; i++) sum += ((q[i] as number) - (p[i] as number)) ** 2
      return sum
    }
    let dot = 0
    for (let i = 0; i < q.length; i++) dot += (q[i] as number) * (p[i] as number)
    return 1 - dot
  }

  #hit(label: number, distance: number): SearchHit {
    return { id: this.#idOf.get(label) as string, distance, metadata: this.#metaOf.get(label) ?? {} }
  }
}

function normalized(v: number[]): number[] {
  let norm = 0
  for (const x of v) norm += x * x
  norm = Math.sqrt(norm)
  return norm === 0 ? v : v.map((x) => x / norm)
}
