import { describe, expect, it } from 'vitest'
import { runFixture } from './fixture-runner.ts'
import { harness } from './harness.ts'

// Rule: a retired trace never comes back from search, even when the vector index still holds it
// (vectord missed the delete): the fold's status decides after the index answers.
describe('retire excluded from search', () => {
  it('search-live-heads.json: the retired and the superseded trace are not among the hits', () =>
    runFixture('search-live-heads.json'))

  it('ADD -> RETIRE -> SEARCH excludes the retired uid although the index is stale', async () => {
    const { pathway, vectors } = harness()
    const kept = await pathway.add({
      namespace: 'ns',
      content: 'forklift operators in chicago',
      steps: [],
      metadata: {},
      parent: null,
    })
    const retired = await pathway.add({
      namespace: 'ns',
      content: 'forklift operators in chicago earn more',
      steps: [],
      metadata: {},
      parent: null,
    })
    vectors.isStale = true // the delete of the retire never reaches the index
    await pathway.retire('ns', retired.trace.uid, 'wrong')
    expect([...(vectors.indexes.get('pathway_ns')?.keys() ?? [])]).toContain(retired.trace.uid)
    const { hits } = await pathway.search({ namespace: 'ns', query: 'forklift operators chicago', k: 10 })
    expect(hits.map((h) => h.uid)).toEqual([kept.trace.uid])
  })

  it('over-fetches past stale hits so k live heads still come back', async () => {
    const { pathway, vectors } = harness()
    const live = await pathway.add({
      namespace: 'ns',
      content: 'python snake charmer',
      steps: [],
      metadata: {},
      parent: null,
    })
    const stale = []
    for (let i = 0; i < 30; i++) {
      stale.push(await pathway.add({ namespace: 'ns', content: `python ${i}`, steps: [], metadata: {}, parent: null }))
    }
    vectors.isStale = true
    for (const s of stale) await pathway.retire('ns', s.trace.uid, 'stale')
    const { hits } = await pathway.search({ namespace: 'ns', query: 'python', k: 1 })
    expect(hits.map((h) => h.uid)).toEqual([live.trace.uid])
  })
})
