import { describe, expect, it } from 'vitest'
import { harness } from './harness.ts'

// Rule: after REVISE, search returns the new head and never the superseded trace, even if the
// index still holds the old uid.
describe('revise: search returns the head', () => {
  it('REVISE -> SEARCH returns the new head, never the superseded one', async () => {
    const { pathway, vectors } = harness()
    const old = await pathway.add({
      namespace: 'ns',
      content: 'candidates live in table people',
      steps: [],
      metadata: {},
      parent: null,
    })
    vectors.isStale = true // neither the old uid's delete nor the head's upsert reaches the index...
    const head = await pathway.revise('ns', old.trace.uid, { content: 'candidates live in table candidates' })
    expect((await pathway.search({ namespace: 'ns', query: 'candidates table', k: 5 })).hits).toEqual([])
    vectors.isStale = false // ...until vectord catches up: the head is upserted again before the next search
    await pathway.update('ns', head.trace.uid, { metadata: { fixed: true } })
    const { hits } = await pathway.search({ namespace: 'ns', query: 'candidates table', k: 5 })
    expect(hits.map((h) => h.uid)).toEqual([head.trace.uid])
    expect(hits[0]?.trace.parent).toBe(old.trace.uid)
  })

  it('an index write that failed is retried before the next search', async () => {
    const { pathway, vectors } = harness()
    vectors.isDown = true
    const added = await pathway.add({
      namespace: 'ns',
      content: 'retry me later',
      steps: [],
      metadata: {},
      parent: null,
    })
    vectors.isDown = false
    const { hits } = await pathway.search({ namespace: 'ns', query: 'retry me later', k: 5 })
    expect(hits.map((h) => h.uid)).toEqual([added.trace.uid])
  })
})
