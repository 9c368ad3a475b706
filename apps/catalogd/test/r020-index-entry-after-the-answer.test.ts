import { describe, expect, it } from 'vitest'
import { Catalog } from '../src/catalog.ts'
import { idempotencyKey, manifestKey } from '../src/layout.ts'
import { CountingStorage } from './counting-storage.ts'
import { request, seedFiles } from './fixtures.ts'

// ADR-020 writes a commit's idempotency index entry after its answer. Safe only by ADR-005's rule
// "version N is indexed before N+1 is written": a lost background write is made good by the next
// commit, before that commit's own version lands, so a retry of the key is still found.

describe('the index entry written after the answer', () => {
  it('a failed background index write is redone before the next version is written', async () => {
    const storage = new CountingStorage()
    const catalog = new Catalog(storage, { maxCommitAttempts: 8, cacheBytes: 1 << 24, checkpointInterval: 100 })
    await catalog.commit('people', request('create', []))
    storage.failWrites = (key) => key.includes('/idem/')
    const [a, b, c] = seedFiles(storage, 'people', ['a', 'b', 'c'])
    const first = await catalog.commit('people', request('append', [a!], { idempotency_key: 'once' }))
    await catalog.settle()
    expect(storage.keys('catalog/people/idem/')).toEqual([])
    storage.failWrites = undefined
    let indexedBeforeV3 = false
    storage.beforePutIfAbsent = async (key) => {
      if (key === manifestKey('people', 3)) indexedBeforeV3 = storage.objects.has(idempotencyKey('people', 'once'))
    }
    await catalog.commit('people', request('append', [b!]))
    expect(indexedBeforeV3).toBe(true)
    const retried = await new Catalog(storage, {
      maxCommitAttempts: 8,
      cacheBytes: 1 << 24,
      checkpointInterval: 100,
    }).commit('people', request('append', [c!], { idempotency_key: 'once' }))
    expect(retried).toEqual(first)
  })
})
