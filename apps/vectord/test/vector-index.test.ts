import type { Metadata } from '@lakehouse/shared/contracts/vectors.ts'
import { describe, expect, it } from 'vitest'
import { type IndexParams, VectorIndex } from '../src/vector-index.ts'
import { randomVectors } from './stack.ts'

// The in-memory index: filtered search on both planner paths against brute force, growth past the
// initial capacity, replace-by-id and delete with slot reuse.

const params = (over: Partial<IndexParams> = {}): IndexParams => ({
  name: 't',
  dim: 8,
  metric: 'l2',
  m: 16,
  ef_construction: 200,
  ef_search: 64,
  model: null,
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
})

function build(count: number, group: (i: number) => Metadata): { index: VectorIndex; vectors: number[][] } {
  const index = VectorIndex.create(params())
  const vectors = randomVectors(count, 8, 7)
  for (let at = 0; at < count; at += 1000) {
    index.upsert(
      vectors
        .slice(at, at + 1000)
        .map((v, j) => ({ id: `i${at + j}`, vector: Float32Array.from(v), metadata: group(at + j) })),
    )
  }
  return { index, vectors }
}

function bruteForce(vectors: number[][], query: number[], k: number, keep: (i: number) => boolean): string[] {
  const f32 = (x: number) => Math.fround(x)
  return vectors
    .map((v, i) => ({ i, d: v.reduce((sum, x, j) => sum + (f32(x) - f32(query[j] as number)) ** 2, 0) }))
    .filter(({ i }) => keep(i))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map(({ i }) => `i${i}`)
}

const COUNT = 20_000
const rare = (i: number) => i % 1000 === 0 // 0.1 % of the items
const half = (i: number) => i % 2 === 0
const { index, vectors } = build(COUNT, (i) => ({ rare: rare(i), half: half(i), n: i }))
const queries = randomVectors(20, 8, 99)

describe('filtered search', () => {
  it('answers a 0.1 % filter exactly (exact path): every hit matches, k of them, as brute force', () => {
    for (const q of queries) {
      const hits = index.search(q, { k: 10, filter: { rare: true }, exactFilterMax: 2048 })
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors, q, 10, rare))
      expect(hits.every((h) => h.metadata.rare === true)).toBe(true)
    }
  })

  it('answers a 50 % filter inside the graph walk (graph path) as brute force does', () => {
    for (const q of queries) {
      const hits = index.search(q, { k: 10, ef: 400, filter: { half: true }, exactFilterMax: 2048 })
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors, q, 10, half))
    }
  })

  it('still returns k hits for a 0.1 % filter forced onto the graph path', () => {
    for (const q of queries) {
      const hits = index.search(q, { k: 10, filter: { rare: true }, exactFilterMax: 0 })
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors, q, 10, rare))
    }
  })

  it('requires every filter field to hold', () => {
    const hits = index.search(queries[0] as number[], { k: 5, filter: { rare: true, n: 3000 }, exactFilterMax: 2048 })
    expect(hits.map((h) => h.id)).toEqual(['i3000'])
    expect(index.search(queries[0] as number[], { k: 5, filter: { n: -1 }, exactFilterMax: 2048 })).toEqual([])
  })

  it('matches brute force without a filter at a high ef', () => {
    for (const q of queries) {
      expect(index.search(q, { k: 10, ef: 400, exactFilterMax: 2048 }).map((h) => h.id)).toEqual(
        bruteForce(vectors, q, 10, () => true),
      )
    }
  })
})

describe('items', () => {
  it('grows past its initial capacity', () => {
    expect(index.count).toBe(COUNT)
    expect(index.capacity).toBeGreaterThanOrEqual(COUNT)
    expect(index.getItem('i19999')?.metadata.n).toBe(19999)
  })

  it('replaces the vector and metadata of a re-upserted id, keeping the count', () => {
    const small = VectorIndex.create(params())
    small.upsert([{ id: 'a', vector: Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0]), metadata: { v: 1 } }])
    small.upsert([{ id: 'a', vector: Float32Array.from([0, 1, 0, 0, 0, 0, 0, 0]), metadata: { v: 2 } }])
    expect(small.count).toBe(1)
    expect(small.getItem('a')).toEqual({ id: 'a', vector: [0, 1, 0, 0, 0, 0, 0, 0], metadata: { v: 2 } })
    expect(small.search([0, 1, 0, 0, 0, 0, 0, 0], { k: 1, exactFilterMax: 0 })[0]).toMatchObject({
      id: 'a',
      distance: 0,
    })
  })

  it('reuses the slots of deleted items instead of growing', () => {
    const small = VectorIndex.create(params())
    const vs = randomVectors(1024, 8, 3)
    small.upsert(vs.map((v, i) => ({ id: `a${i}`, vector: Float32Array.from(v), metadata: {} })))
    const capacity = small.capacity
    expect(small.delete(vs.slice(0, 100).map((_, i) => `a${i}`))).toBe(100)
    expect(small.delete(['a0', 'never'])).toBe(0)
    small.upsert(vs.slice(0, 100).map((v, i) => ({ id: `b${i}`, vector: Float32Array.from(v), metadata: {} })))
    expect(small.capacity).toBe(capacity)
    expect(small.count).toBe(1024)
    expect(small.getItem('a5')).toBeUndefined()
    const hits = small.search(vs[5] as number[], { k: 3, ef: 200, exactFilterMax: 0 })
    expect(hits[0]).toMatchObject({ id: 'b5', distance: 0 })
    expect(hits.some((h) => h.id === 'a5')).toBe(false)
  })
})
