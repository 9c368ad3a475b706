import { Conflict, NotFound, ReviewNotAccepted } from '@lakehouse/shared/errors.ts'
import { describe, expect, it } from 'vitest'
import { harness, review } from './harness.ts'

// A playbook is sealed only on an accepted, non-degraded review (DESIGN §9, ADR-015), and once
// sealed it never changes: the same seal again answers the first, other work on the same review is 409.

const steps = [{ tool: 'vectors.search', args: { text: 'senior python engineer', filter: { city: 'Chicago' } } }]
const seal = (review_id: string, extra: object = {}) => ({
  task: 'find senior python engineers in Chicago',
  steps,
  review_id,
  namespace: 'default',
  ...extra,
})

describe('seal needs an accepted, non-degraded review', () => {
  it.each([
    ['reject', false],
    ['cycle', false],
    ['cycle', true],
    ['accept', true], // a fail-open accept
  ] as const)(
    'refuses a %s review (degraded: %s) with 409 review_not_accepted and writes nothing',
    async (verdict, degraded) => {
      const { playbooks, reviews, storage } = harness()
      reviews.add(review('rv-1', verdict, degraded))
      await expect(playbooks.seal(seal('rv-1'))).rejects.toBeInstanceOf(ReviewNotAccepted)
      expect(storage.keys('memory/default/events/')).toEqual([])
    },
  )

  it('refuses an unknown review with 404', async () => {
    const { playbooks } = harness()
    await expect(playbooks.seal(seal('rv-none'))).rejects.toBeInstanceOf(NotFound)
  })

  it('seals on an accepted review, with a receipt that names the stored event', async () => {
    const { playbooks, reviews, storage } = harness()
    reviews.add(review('rv-ok', 'accept'))
    const sealed = await playbooks.seal(seal('rv-ok', { outputs: { ids: [1, 2] } }))
    expect(sealed.verdict).toBe('accept')
    expect(sealed.receipt.key).toBe('memory/default/events/000000000001.json')
    const stored = JSON.parse(storage.text(sealed.receipt.key))
    expect(stored).toMatchObject({
      seq: sealed.receipt.event_seq,
      kind: 'playbook',
      type: 'SEAL',
      sha256: sealed.receipt.sha256,
    })
    const got = await playbooks.get('default', sealed.playbook_id)
    expect(got).toMatchObject({ status: 'sealed', review_id: 'rv-ok', steps, outputs: { ids: [1, 2] } })
    expect(got.input_hash).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('hashes the same work on the same evidence the same, whoever seals it', async () => {
    const a = harness()
    const b = harness()
    a.reviews.add(review('rv-ok', 'accept'))
    b.reviews.add(review('rv-ok', 'accept'))
    const x = await a.playbooks.seal(seal('rv-ok', { outputs: { ids: [1, 2] } }))
    const y = await b.playbooks.seal(seal('rv-ok', { outputs: { ids: [1, 2] } }))
    expect([y.input_hash, y.output_hash]).toEqual([x.input_hash, x.output_hash])
    expect(y.playbook_id).not.toBe(x.playbook_id)
  })

  it('is immutable: the same seal again answers the first, other steps on the same review are 409', async () => {
    const { playbooks, reviews, storage } = harness()
    reviews.add(review('rv-ok', 'accept'))
    const first = await playbooks.seal(seal('rv-ok'))
    const again = await playbooks.seal(seal('rv-ok'))
    expect(again).toEqual(first)
    await expect(playbooks.seal(seal('rv-ok', { steps: [{ tool: 'other' }] }))).rejects.toBeInstanceOf(Conflict)
    expect(storage.keys('memory/default/events/')).toHaveLength(1)
  })
})
