import { describe, expect, it } from 'vitest'
import type { Pathway } from '../src/index.ts'
import { harness } from './harness.ts'

// Rule: a new process folds storage into exactly the state the old one had, from a snapshot plus
// the events after it, or from the events alone; a corrupt snapshot falls back to the events.

async function busyNamespace(pathway: Pathway): Promise<void> {
  const uids: string[] = []
  for (let i = 0; i < 60; i++) {
    const parent = i % 3 === 0 || uids.length === 0 ? null : (uids[uids.length - 1] as string)
    uids.push(
      (await pathway.add({ namespace: 'ns', content: `trace ${i}`, steps: [i], metadata: { i }, parent })).trace.uid,
    )
  }
  for (let i = 0; i < 60; i += 4) await pathway.update('ns', uids[i] as string, { content: `trace ${i} v2` })
  for (let i = 1; i < 60; i += 6) await pathway.replay('ns', uids[i] as string, `r${i}`)
  for (let i = 2; i < 60; i += 5) await pathway.retire('ns', uids[i] as string, `old ${i}`)
  for (let i = 3; i < 60; i += 10) await pathway.revise('ns', uids[i] as string, { content: `trace ${i} revised` })
}

async function everything(pathway: Pathway) {
  const { traces } = await pathway.list({ namespace: 'ns', limit: 1000 })
  return { traces, histories: await Promise.all(traces.map((t) => pathway.history('ns', t.uid))) }
}

describe('restart rebuilds the same state', () => {
  it('with a snapshot, without one, and with a corrupt one', async () => {
    const h = harness({ snapshotEvery: 25 })
    await busyNamespace(h.pathway)
    const before = await everything(h.pathway)
    expect(before.traces.length).toBeGreaterThan(60)

    const snaps = h.storage.keys('memory/ns/snap/trace/')
    expect(snaps).toContain('memory/ns/snap/trace/CURRENT')
    const current = JSON.parse(h.storage.text('memory/ns/snap/trace/CURRENT')) as { seq: number; snapshot: string }
    expect(current.seq).toBeGreaterThanOrEqual(75)

    // From the snapshot: only the events after it are read.
    let eventReads = 0
    const getBuffer = h.storage.getBuffer.bind(h.storage)
    h.storage.getBuffer = async (key: string) => {
      if (key.includes('/events/')) eventReads += 1
      return getBuffer(key)
    }
    const fromSnapshot = h.reopen({ snapshotEvery: 1e9 })
    await fromSnapshot.list({ namespace: 'ns', limit: 1 }) // the start-up: snapshot, later events, tail probes
    const total = h.storage.keys('memory/ns/events/').length
    expect(eventReads).toBeLessThanOrEqual(total - current.seq + 2)
    expect(await everything(fromSnapshot)).toEqual(before)

    // Without it: the whole log.
    const withoutSnapshots = harness({ snapshotEvery: 1e9 })
    for (const key of h.storage.keys('memory/ns/events/')) withoutSnapshots.storage.seed(key, h.storage.text(key))
    expect(await everything(withoutSnapshots.pathway)).toEqual(before)

    // A corrupt snapshot is ignored: the whole log again, same answers.
    h.storage.seed(current.snapshot, h.storage.text(current.snapshot).replace('trace 1', 'trace X'))
    expect(await everything(h.reopen({ snapshotEvery: 1e9 }))).toEqual(before)
  })
})
