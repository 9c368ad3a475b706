import { NotFound, PreconditionFailed } from '@lakehouse/shared'
import { ReviewRequest } from '@lakehouse/shared/contracts/observer.ts'
import { describe, expect, it } from 'vitest'
import { Observer } from '../src/observer.ts'
import { MemoryStore, scriptedGenerations, scriptedQuery } from './memory-deps.ts'

// A review is evidence (ADR-015): stored create-only, fetched back unchanged, and hashed over the
// claim, the check and the generation, so the same check against the same data hashes the same.

const count3 = {
  result: { columns: [{ name: 'n', type: 'BIGINT' }], rows: [[3]], row_count: 1, truncated: false, elapsed_ms: 1 },
}
const request = ReviewRequest.parse({
  claim: 'three seniors in Chicago',
  check: { sql: 'SELECT count(*) FROM candidates', expect: { op: 'eq', value: 3 } },
  context: { agent: 'test' },
})

function observer(generation = 7, store = new MemoryStore(), newId?: () => string) {
  return new Observer({
    query: scriptedQuery(count3),
    catalog: scriptedGenerations([generation]),
    store,
    checkTimeoutMs: 1_000,
    maxRows: 100,
    ...(newId ? { newId } : {}),
  })
}

describe('review storage and input hash', () => {
  it('stores every review and reads it back unchanged', async () => {
    const o = observer()
    const review = await o.review(request)
    expect(await o.get(review.review_id)).toEqual(review)
    expect(review.context).toEqual({ agent: 'test' })
  })

  it('hashes claim + check + generation, whatever the order of the fields', async () => {
    const a = await observer(7).review(request)
    const reordered = ReviewRequest.parse({
      check: { expect: { value: 3, op: 'eq' }, sql: request.check.sql },
      claim: request.claim,
    })
    const b = await observer(7).review(reordered)
    const c = await observer(8).review(request)
    expect(a.input_hash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(b.input_hash).toBe(a.input_hash)
    expect(c.input_hash).not.toBe(a.input_hash)
    expect(c.generation).toBe(8)
  })

  it('never overwrites a stored review (create-only)', async () => {
    const store = new MemoryStore()
    const o = observer(7, store, () => 'rv-00000000-0000-0000-0000-000000000000')
    await o.review(request)
    await expect(o.review(request)).rejects.toBeInstanceOf(PreconditionFailed)
    expect(store.objects.size).toBe(1)
  })

  it('answers an unknown or malformed review id with not_found', async () => {
    const o = observer()
    await expect(o.get('rv-00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(NotFound)
    await expect(o.get('../../catalog/x')).rejects.toBeInstanceOf(NotFound)
  })

  it('a check that never answers is cycle + degraded (check_timeout), not a hang', async () => {
    const o = new Observer({
      query: { sql: () => new Promise(() => {}) },
      catalog: scriptedGenerations([7]),
      store: new MemoryStore(),
      checkTimeoutMs: 10,
      maxRows: 100,
    })
    const review = await o.review(request)
    expect(review).toMatchObject({ verdict: 'cycle', degraded: true, reason: 'check_timeout' })
  })
})
