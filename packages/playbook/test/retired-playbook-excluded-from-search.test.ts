import { Pathway } from '@lakehouse/pathway'
import { FakeEmbed, FakeVectors } from '@lakehouse/pathway/testing/fakes.ts'
import { AddTraceRequest, ListTracesQuery } from '@lakehouse/shared/contracts/memory.ts'
import { describe, expect, it } from 'vitest'
import { CountingVectors, harness, review } from './harness.ts'

// Search finds sealed playbooks by task similarity, best first, and never a retired one — even when
// the vector index missed the retire (the fold decides, not the index). Playbooks live in the
// namespace's one memory log next to pathway's traces, and a new process rebuilds the same answers.

async function sealed(h: ReturnType<typeof harness>, id: string, task: string) {
  h.reviews.add(review(id, 'accept'))
  return h.playbooks.seal({ task, steps: [{ note: task }], review_id: id, namespace: 'default' })
}

describe('playbook search', () => {
  it('surfaces the most similar task first', async () => {
    const h = harness()
    const python = await sealed(h, 'rv-a', 'find senior python engineers in Chicago')
    await sealed(h, 'rv-b', 'schedule forklift operators in Denver')
    const { hits } = await h.playbooks.search({ task: 'senior python engineer in Chicago', k: 2, namespace: 'default' })
    expect(hits[0]?.playbook_id).toBe(python.playbook_id)
    expect(hits[0]?.review_id).toBe('rv-a')
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? 1)
  })

  it('never returns a retired playbook, even from a stale index; GET still answers it', async () => {
    const h = harness()
    const python = await sealed(h, 'rv-a', 'find senior python engineers in Chicago')
    const other = await sealed(h, 'rv-b', 'find python engineers in Chicago fast')
    h.vectors.isStale = true // the index misses the retire's delete
    const retired = await h.playbooks.retire('default', python.playbook_id, 'superseded by a better query')
    expect(retired).toMatchObject({ status: 'retired', retired_reason: 'superseded by a better query' })
    const { hits } = await h.playbooks.search({ task: 'senior python engineer in Chicago', k: 5, namespace: 'default' })
    expect(hits.map((x) => x.playbook_id)).toEqual([other.playbook_id])
    expect((await h.playbooks.get('default', python.playbook_id)).steps).toEqual([
      { note: 'find senior python engineers in Chicago' },
    ])
  })

  it("shares the namespace's memory log with pathway traces, and a new process answers the same", async () => {
    const h = harness()
    const pathway = new Pathway({ storage: h.storage, embed: new FakeEmbed(), vectors: new FakeVectors() })
    await pathway.add(AddTraceRequest.parse({ content: 'a trace before the playbook' }))
    const python = await sealed(h, 'rv-a', 'find senior python engineers in Chicago')
    expect(python.receipt.event_seq).toBe(2)
    const kinds = h.storage.keys('memory/default/events/').map((k) => JSON.parse(h.storage.text(k)).kind)
    expect(kinds).toEqual(['trace', 'playbook'])

    // A new process on the same storage, with an empty vector index: the fold and the search come back.
    const restarted = harness({ storage: h.storage, reviews: h.reviews, vectors: new CountingVectors() })
    expect(await restarted.playbooks.get('default', python.playbook_id)).toEqual(
      await h.playbooks.get('default', python.playbook_id),
    )
    const { hits } = await restarted.playbooks.search({ task: 'python engineers Chicago', k: 1, namespace: 'default' })
    expect(hits[0]?.playbook_id).toBe(python.playbook_id)
    expect((await pathway.list(ListTracesQuery.parse({}))).traces).toHaveLength(1)
  })
})
