import { describe, expect, it } from 'vitest'
import { VectorCache } from '../src/vector-cache.ts'
import { SLOTS_PER_PAGE, VectorSlots } from '../src/vector-slots.ts'

// Regression (issue 18's soak, ADR-036): a cached vector was a Float32Array of its own, promoted to
// V8's old generation and freed only by a major collection after its eviction; under a stream of
// new texts embedd's RSS rose far past the cache's byte limit. Cached float32s now live in pages
// allocated once per dimension: an evicted entry's slot is reused by the next, a hit is a copy.

const DIM = 8
const settle = () => new Promise((resolve) => setImmediate(resolve))

function vectorOf(seed: number, dim = DIM): Float32Array {
  return Float32Array.from({ length: dim }, (_, i) => seed + i / 10)
}

describe('the vector cache keeps its vectors in reused pages', () => {
  it('allocates no new page once full, however many new texts churn through it', async () => {
    const perEntry = DIM * 4 + 200
    const cache = new VectorCache({ maxEntries: 100_000, maxBytes: 3 * SLOTS_PER_PAGE * perEntry })
    const map = cache.cacheMapOf('m', DIM, 'document')
    const fill = async (from: number, to: number) => {
      for (let i = from; i < to; i++) map.set(VectorCache.textKey(`t${i}`), Promise.resolve(vectorOf(i)))
      await settle()
    }
    await fill(0, 10 * SLOTS_PER_PAGE)
    const pagesWhenFull = cache.pageBytes
    await fill(10 * SLOTS_PER_PAGE, 100 * SLOTS_PER_PAGE)
    expect(cache.pageBytes).toBe(pagesWhenFull)
    // Pages hold the entries the LRU keeps, and at most one page more.
    const slotBytes = SLOTS_PER_PAGE * DIM * 4
    expect(cache.pageBytes).toBeLessThanOrEqual(Math.ceil(cache.size / SLOTS_PER_PAGE) * slotBytes + slotBytes)
  })

  it('answers a hit with the stored values, as a copy the caller may change', async () => {
    const cache = new VectorCache({ maxEntries: 100, maxBytes: 1_000_000 })
    const map = cache.cacheMapOf('m', DIM, 'query')
    const key = VectorCache.textKey('hello')
    map.set(key, Promise.resolve(vectorOf(7)))
    await settle()
    const first = (await map.get(key)) as Float32Array
    expect([...first]).toEqual([...vectorOf(7)])
    first.fill(0)
    expect([...((await map.get(key)) as Float32Array)]).toEqual([...vectorOf(7)])
    expect(cache.hits).toBe(2)
  })

  it('answers a text in flight with its promise, and forgets one that failed', async () => {
    const cache = new VectorCache({ maxEntries: 100, maxBytes: 1_000_000 })
    const map = cache.cacheMapOf('m', DIM, 'document')
    let resolve: (v: Float32Array) => void = () => {}
    const pending = new Promise<Float32Array>((r) => (resolve = r))
    map.set('a', pending)
    expect(map.get('a')).toBe(pending)
    resolve(vectorOf(1))
    await settle()
    expect(cache.size).toBe(1)

    const failing = Promise.reject(new Error('upstream down'))
    map.set('b', failing)
    await settle()
    expect(map.get('b')).toBeUndefined()
    expect(cache.size).toBe(1)
  })

  it('keeps the models apart: one dimension per store, and clear() empties only its own', async () => {
    const cache = new VectorCache({ maxEntries: 100, maxBytes: 1_000_000 })
    const small = cache.cacheMapOf('small', DIM, 'document')
    const large = cache.cacheMapOf('large', 2 * DIM, 'document')
    small.set('x', Promise.resolve(vectorOf(1)))
    large.set('x', Promise.resolve(vectorOf(2, 2 * DIM)))
    await settle()
    expect((await small.get('x'))?.length).toBe(DIM)
    expect([...((await large.get('x')) as Float32Array)]).toEqual([...vectorOf(2, 2 * DIM)])
    small.clear()
    expect(small.get('x')).toBeUndefined()
    expect(large.get('x')).toBeDefined()
  })
})

describe('the pages of one dimension', () => {
  it('reuse the slot just freed, and give back an emptied page while another is free', () => {
    const slots = new VectorSlots(DIM)
    const held = Array.from({ length: 3 * SLOTS_PER_PAGE }, (_, i) => slots.store(vectorOf(i)))
    expect(slots.pageCount).toBe(3)
    const freed = held[5] as number
    slots.release(freed)
    expect(slots.store(vectorOf(99))).toBe(freed)
    expect([...slots.read(freed)]).toEqual([...vectorOf(99)])
    // Empty the last two pages: the first emptied stays (nothing else free), the second goes.
    for (const slot of held.slice(SLOTS_PER_PAGE)) slots.release(slot)
    expect(slots.pageCount).toBe(2)
    // The page kept is reused before any new one is allocated.
    for (let i = 0; i < SLOTS_PER_PAGE; i++) slots.store(vectorOf(i))
    expect(slots.pageCount).toBe(2)
  })
})
