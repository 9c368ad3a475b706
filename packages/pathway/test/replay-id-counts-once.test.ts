import { describe, expect, it } from 'vitest'
import { runFixture } from './fixture-runner.ts'
import { harness } from './harness.ts'

// Rule: REPLAY counts once per (uid, replay_id), also when two processes race with the same id.
describe('replay id counts once', () => {
  it('replay-duplicate.json', () => runFixture('replay-duplicate.json'))

  it('two processes replaying with the same replay_id count it once', async () => {
    const h = harness()
    const { trace } = await h.pathway.add({ namespace: 'ns', content: 'x', steps: [], metadata: {}, parent: null })
    const other = h.reopen()
    const answers = await Promise.all([h.pathway.replay('ns', trace.uid, 'r1'), other.replay('ns', trace.uid, 'r1')])
    expect(answers.map((a) => a.event).sort()).toEqual(['NOOP', 'REPLAY'])
    expect((await h.pathway.get('ns', trace.uid)).replay_count).toBe(1)
    expect((await other.get('ns', trace.uid)).replay_count).toBe(1)
    expect(h.storage.keys('memory/ns/events/')).toHaveLength(2)
  })
})
