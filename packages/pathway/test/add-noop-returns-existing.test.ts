import { describe, expect, it } from 'vitest'
import { runFixture } from './fixture-runner.ts'
import { harness } from './harness.ts'

// Rule: an ADD of content that a live trace of the namespace holds returns that trace (NOOP) and
// stores nothing, also when two processes add it at once.
describe('add noop returns existing', () => {
  it('noop.json', () => runFixture('noop.json'))

  it('two processes adding the same content at once store it once', async () => {
    const h = harness()
    const other = h.reopen()
    const request = { namespace: 'ns', content: 'same words', steps: [], metadata: {}, parent: null }
    const [x, y] = await Promise.all([h.pathway.add(request), other.add(request)])
    expect(x?.trace.uid).toBe(y?.trace.uid)
    expect([x?.event, y?.event].sort()).toEqual(['ADD', 'NOOP'])
    expect(h.storage.keys('memory/ns/events/')).toHaveLength(1)
  })
})
