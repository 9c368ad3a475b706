import { describe, expect, it } from 'vitest'
import { harness } from './harness.ts'

// Rule: a trace appended by a writer that died before its index write (here: vectord was down for
// its whole life, and a snapshot covers the event) is still found by search after the next
// start-up; the start-up reflects what was touched after the index watermark, then moves it.
describe('index heals after a writer crash', () => {
  it('a new process indexes the traces the dead one could not, and moves the watermark', async () => {
    const h = harness({ snapshotEvery: 1 })
    h.vectors.isDown = true
    const lost = await h.pathway.add({
      namespace: 'ns',
      content: 'indexed by nobody yet',
      steps: [],
      metadata: {},
      parent: null,
    })
    const gone = await h.pathway.add({
      namespace: 'ns',
      content: 'retired before indexing',
      steps: [],
      metadata: {},
      parent: null,
    })
    await h.pathway.retire('ns', gone.trace.uid, 'never mind')
    h.vectors.isDown = false // the first process is gone; vectord is back

    const next = h.reopen()
    const { hits } = await next.search({ namespace: 'ns', query: 'indexed by nobody', k: 5 })
    expect(hits.map((hit) => hit.uid)).toEqual([lost.trace.uid])
    expect(JSON.parse(h.storage.text('memory/ns/index/trace.json'))).toEqual({ seq: 3 })

    // Past the watermark, a further start-up embeds nothing again.
    const calls = h.embed.calls
    await h.reopen().search({ namespace: 'ns', query: 'indexed', k: 5 })
    expect(h.embed.calls).toBe(calls + 1) // the query alone
  })
})
