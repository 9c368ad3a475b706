import { describe, expect, it } from 'vitest'
import { FakeEmbed } from '../src/testing/fakes.ts'
import { runFixture } from './fixture-runner.ts'
import { harness } from './harness.ts'

// Rule: namespace A never sees B's traces: not by uid, not in a list, not in a search, not as a NOOP twin.
describe('namespace isolation', () => {
  it('cross-namespace.json', () => runFixture('cross-namespace.json'))

  it('each namespace has its own log and its own index', async () => {
    const { pathway, storage, vectors } = harness()
    await pathway.add({ namespace: 'a', content: 'alpha plan', steps: [], metadata: {}, parent: null })
    await pathway.add({ namespace: 'b', content: 'alpha plan', steps: [], metadata: {}, parent: null })
    expect(storage.keys('memory/a/events/')).toHaveLength(1)
    expect(storage.keys('memory/b/events/')).toHaveLength(1)
    expect([...vectors.indexes.keys()].sort()).toEqual(['pathway_a', 'pathway_b'])
    const inA = (await pathway.search({ namespace: 'a', query: 'alpha plan', k: 10 })).hits
    expect(inA.map((h) => h.trace.namespace)).toEqual(['a'])
  })

  it('a hit of another namespace in a shared index is dropped by the fold', async () => {
    const { pathway, vectors } = harness()
    const b = await pathway.add({ namespace: 'b', content: 'beta secret', steps: [], metadata: {}, parent: null })
    await pathway.add({ namespace: 'a', content: 'alpha', steps: [], metadata: {}, parent: null })
    // Simulate a mis-wired index: b's vector lands in a's index.
    vectors.indexes
      .get('pathway_a')
      ?.set(b.trace.uid, { vector: (await vectorOf('beta secret')) as number[], metadata: {} })
    const hits = (await pathway.search({ namespace: 'a', query: 'beta secret', k: 10 })).hits
    expect(hits.map((h) => h.uid)).not.toContain(b.trace.uid)
  })
})

async function vectorOf(text: string): Promise<number[] | undefined> {
  return (await new FakeEmbed().embed({ texts: [text] })).vectors[0]
}
