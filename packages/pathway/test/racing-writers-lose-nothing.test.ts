import { describe, expect, it } from 'vitest'
import { harness } from './harness.ts'

// Rule: two writers (processes) appending to one namespace at once lose nothing: every mutation
// lands at its own seq, seqs stay dense, and both processes end with the same state.
describe('racing writers lose nothing', () => {
  it('two processes, 40 adds each, interleaved', async () => {
    const h = harness()
    const other = h.reopen()
    const writes = []
    for (let i = 0; i < 40; i++) {
      writes.push(h.pathway.add({ namespace: 'ns', content: `from one ${i}`, steps: [], metadata: {}, parent: null }))
      writes.push(other.add({ namespace: 'ns', content: `from two ${i}`, steps: [], metadata: {}, parent: null }))
    }
    const answers = await Promise.all(writes)
    expect(new Set(answers.map((a) => a.seq)).size).toBe(80)
    const keys = h.storage.keys('memory/ns/events/')
    expect(keys).toHaveLength(80)
    expect(keys.at(-1)).toBe('memory/ns/events/000000000080.json')
    const one = await h.pathway.list({ namespace: 'ns', limit: 1000 })
    expect(one.traces).toHaveLength(80)
    expect(await other.list({ namespace: 'ns', limit: 1000 })).toEqual(one)
  })

  it('a writer that loses the seq folds the winner before deciding again', async () => {
    const h = harness()
    const { trace } = await h.pathway.add({ namespace: 'ns', content: 'x', steps: [], metadata: {}, parent: null })
    const other = h.reopen()
    await other.get('ns', trace.uid) // loaded at seq 1
    let raced = false
    h.storage.beforePutIfAbsent = async (key) => {
      if (raced || !key.endsWith('000000000002.json')) return
      raced = true
      await h.pathway.retire('ns', trace.uid, 'retired by the rival') // wins seq 2
    }
    await expect(other.replay('ns', trace.uid, 'r1')).rejects.toMatchObject({ code: 'trace_not_live' })
    expect(h.storage.keys('memory/ns/events/')).toHaveLength(2)
  })
})

describe('racing writers: a writer that always loses', () => {
  it('gives up after max_append_attempts with 409 conflict, having stored nothing of its own', async () => {
    const h = harness({ maxAppendAttempts: 3 })
    await h.pathway.add({ namespace: 'ns', content: 'first', steps: [], metadata: {}, parent: null })
    const rival = h.reopen()
    let n = 0
    let isRivalWriting = false
    h.storage.beforePutIfAbsent = async (key) => {
      if (isRivalWriting || !key.includes('/events/')) return
      isRivalWriting = true // the rival takes the seq just before the loser's PUT, every time
      await rival.add({ namespace: 'ns', content: `rival ${n++}`, steps: [], metadata: {}, parent: null })
      isRivalWriting = false
    }
    const loser = h.reopen({ maxAppendAttempts: 3 })
    await expect(
      loser.add({ namespace: 'ns', content: 'never lands', steps: [], metadata: {}, parent: null }),
    ).rejects.toMatchObject({ code: 'conflict', status: 409 })
    h.storage.beforePutIfAbsent = undefined
    const contents = (await loser.list({ namespace: 'ns', limit: 100 })).traces.map((t) => t.content)
    expect(contents).not.toContain('never lands')
  })
})
