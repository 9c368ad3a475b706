import { describe, expect, it } from 'vitest'
import { runFixture } from './fixture-runner.ts'
import { harness } from './harness.ts'

// Rule: an event that fails its checksum or does not parse is quarantined, named and logged, and
// every other event still loads; its seq stays taken.
describe('corrupt event quarantined', () => {
  it('corrupted-event.json', () => runFixture('corrupted-event.json'))

  it('a flipped byte in a stored event quarantines that event only, and says so in the log', async () => {
    const h = harness()
    for (const content of ['one', 'two', 'three']) {
      await h.pathway.add({ namespace: 'ns', content, steps: [], metadata: {}, parent: null })
    }
    const key = 'memory/ns/events/000000000002.json'
    h.storage.seed(key, h.storage.text(key).replace('"two"', '"TWO"'))
    const warnings: object[] = []
    const reopened = h.reopen({ log: { warn: (details) => warnings.push(details) } })
    const listed = await reopened.list({ namespace: 'ns', limit: 10 })
    expect(listed.traces.map((t) => t.content)).toEqual(['one', 'three'])
    expect((await reopened.status()).quarantined).toEqual([
      { namespace: 'ns', seq: 2, key, reason: 'sha256 does not match the content' },
    ])
    expect(warnings).toContainEqual({ quarantined: expect.objectContaining({ seq: 2 }) })
    const next = await reopened.add({ namespace: 'ns', content: 'four', steps: [], metadata: {}, parent: null })
    expect(next.seq).toBe(4)
  })
})
