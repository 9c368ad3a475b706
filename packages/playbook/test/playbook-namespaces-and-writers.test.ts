import { NotFound } from '@lakehouse/shared/errors.ts'
import { describe, expect, it } from 'vitest'
import { CountingVectors, harness, review } from './harness.ts'

// Namespaces never see each other's playbooks, and two processes sealing into one namespace at once
// lose nothing: both SEAL events land, on consecutive seqs of the one memory log (ADR-004).

const seal = (review_id: string, namespace: string, task = 'find senior python engineers in Chicago') => ({
  task,
  steps: [{ note: task }],
  review_id,
  namespace,
})

describe('playbook namespaces and concurrent writers', () => {
  it('a playbook of namespace a is not found, nor searched, from namespace b', async () => {
    const h = harness()
    h.reviews.add(review('rv-a', 'accept'))
    const sealed = await h.playbooks.seal(seal('rv-a', 'team_a'))
    await expect(h.playbooks.get('team_b', sealed.playbook_id)).rejects.toBeInstanceOf(NotFound)
    const { hits } = await h.playbooks.search({ task: 'senior python engineer in Chicago', k: 5, namespace: 'team_b' })
    expect(hits).toEqual([])
    expect(sealed.receipt.key).toMatch(/^memory\/team_a\/events\//)
  })

  it('two processes sealing into one namespace at once both land, on seqs 1 and 2', async () => {
    const one = harness()
    const two = harness({ storage: one.storage, reviews: one.reviews, vectors: new CountingVectors() })
    one.reviews.add(review('rv-1', 'accept'))
    one.reviews.add(review('rv-2', 'accept'))
    const [a, b] = await Promise.all([
      one.playbooks.seal(seal('rv-1', 'shared', 'task one')),
      two.playbooks.seal(seal('rv-2', 'shared', 'task two')),
    ])
    expect([a.receipt.event_seq, b.receipt.event_seq].sort()).toEqual([1, 2])
    expect((await one.playbooks.get('shared', b.playbook_id)).review_id).toBe('rv-2')
    expect((await two.playbooks.get('shared', a.playbook_id)).review_id).toBe('rv-1')
  })
})
