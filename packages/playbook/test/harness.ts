import { FakeEmbed, FakeVectors } from '@lakehouse/pathway/testing/fakes.ts'
import { MemoryStorage } from '@lakehouse/pathway/testing/memory-storage.ts'
import type { Review } from '@lakehouse/shared/contracts/observer.ts'
import { NotFound } from '@lakehouse/shared/errors.ts'
import { Playbooks } from '../src/playbooks.ts'

// The playbook package over the pathway package's own in-memory storaged, embedd and vectord (the
// same fakes, not copies), plus stored reviews of every verdict.

export class CountingVectors extends FakeVectors {
  async getIndex(name: string) {
    const index = this.indexes.get(name)
    if (!index) throw new NotFound(`no index ${name}`)
    const info = await new FakeVectors().createIndex({ name, dim: 64, metric: 'cosine' }) // the IndexInfo shape
    return { ...info, count: index.size }
  }
}

export function review(id: string, verdict: Review['verdict'], degraded = false): Review {
  return {
    review_id: id,
    verdict,
    degraded,
    reason: verdict === 'accept' ? 'claim_holds' : verdict === 'reject' ? 'claim_false' : 'empty_result',
    detail: '',
    fail_open: degraded && verdict === 'accept',
    claim: 'every returned candidate is in Chicago',
    check: { sql: 'SELECT id FROM candidates', expect: { op: 'contains', values: [1, 2] } },
    evidence: { sql: 'SELECT id FROM candidates', observed: null, expected: null },
    generation: 3,
    input_hash: `sha256:${id.padEnd(64, '0').slice(0, 64)}`,
    created_at: '2026-01-01T00:00:00.000Z',
  }
}

export class MemoryReviews {
  readonly reviews = new Map<string, Review>()
  add(r: Review): Review {
    this.reviews.set(r.review_id, r)
    return r
  }
  async get(id: string): Promise<Review> {
    const r = this.reviews.get(id)
    if (!r) throw new NotFound(`no review ${id}`)
    return r
  }
}

export function harness(shared?: { storage: MemoryStorage; reviews: MemoryReviews; vectors: CountingVectors }) {
  const storage = shared?.storage ?? new MemoryStorage()
  const reviews = shared?.reviews ?? new MemoryReviews()
  const vectors = shared?.vectors ?? new CountingVectors()
  const embed = new FakeEmbed()
  const playbooks = new Playbooks({ storage, reviews, embed, vectors })
  return { storage, reviews, vectors, embed, playbooks }
}
