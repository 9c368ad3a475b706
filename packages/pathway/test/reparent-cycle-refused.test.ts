import { CycleDetected } from '@lakehouse/shared/errors.ts'
import { describe, expect, it } from 'vitest'
import { canonicalJson, sha256Hex } from '../src/index.ts'
import { runFixture } from './fixture-runner.ts'
import { harness } from './harness.ts'

// Rule: no trace becomes its own ancestor: REPARENT into its own subtree is 409 cycle_detected,
// and a cycle slipped into storage by another writer is quarantined by the fold.
describe('reparent cycle refused', () => {
  it('cycle.json', () => runFixture('cycle.json'))

  it('refuses with CycleDetected and stores nothing', async () => {
    const { pathway, storage } = harness()
    const a = await pathway.add({ namespace: 'ns', content: 'a', steps: [], metadata: {}, parent: null })
    const b = await pathway.add({ namespace: 'ns', content: 'b', steps: [], metadata: {}, parent: a.trace.uid })
    await expect(pathway.reparent('ns', a.trace.uid, b.trace.uid)).rejects.toBeInstanceOf(CycleDetected)
    expect(storage.keys('memory/ns/events/')).toHaveLength(2)
  })

  it('quarantines a stored REPARENT that closes a cycle', async () => {
    const h = harness()
    const a = await h.pathway.add({ namespace: 'ns', content: 'a', steps: [], metadata: {}, parent: null })
    const b = await h.pathway.add({ namespace: 'ns', content: 'b', steps: [], metadata: {}, parent: a.trace.uid })
    const body = {
      seq: 3,
      kind: 'trace',
      type: 'REPARENT',
      at: 'x',
      data: { uid: a.trace.uid, version: 2, parent: b.trace.uid },
    }
    h.storage.seed(
      'memory/ns/events/000000000003.json',
      JSON.stringify({ ...body, sha256: sha256Hex(canonicalJson(body)) }),
    )
    const reopened = h.reopen()
    expect((await reopened.get('ns', a.trace.uid)).parent).toBeNull()
    expect((await reopened.status()).quarantined.map((q) => q.seq)).toEqual([3])
  })
})
