import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { observerConfig, type PeerStack, startPeers } from './stack.ts'

// Playbooks through observerd against real peers: sealed on an accepted review with a receipt that
// names the stored memory event, refused (409 review_not_accepted) on a rejected one, and never
// sealed on what a blind observer said once queryd is stopped.

const CSV = 'id,name,city\n1,Ada,Chicago\n2,Bo,Chicago\n3,Cy,Denver\n'
const CHICAGO = "SELECT id FROM candidates WHERE city = 'Chicago'"

describe('observerd playbooks', () => {
  let stack: PeerStack
  let app: ReturnType<typeof buildApp>
  let cleanup: () => void

  beforeAll(async () => {
    stack = await startPeers(['embedd'])
    await stack.ingestCsv('candidates', CSV)
    const config = observerConfig(stack)
    cleanup = config.cleanup
    app = buildApp({ config })
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await stack?.stop()
    cleanup?.()
  })

  async function reviewOf(values: number[]) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/observer/reviews',
      payload: {
        claim: 'every returned candidate is in Chicago',
        check: { sql: CHICAGO, expect: { op: 'contains', values } },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json()
  }
  const seal = (review_id: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/memory/playbooks',
      payload: {
        task: 'senior python engineer in Chicago',
        steps: [{ tool: 'search' }],
        review_id,
        outputs: { ids: [1, 2] },
      },
    })

  it('seals on an accepted review; GET answers the playbook with its receipt', async () => {
    const review = await reviewOf([1, 2])
    expect(review.verdict).toBe('accept')
    const res = await seal(review.review_id)
    expect(res.statusCode, res.body).toBe(201)
    const sealed = res.json()
    expect(sealed).toMatchObject({
      verdict: 'accept',
      receipt: { key: expect.stringMatching(/^memory\/default\/events\/\d{12}\.json$/) },
    })
    const got = await app.inject({ url: `/v1/memory/playbooks/${sealed.playbook_id}` })
    expect(got.json()).toMatchObject({ status: 'sealed', review_id: review.review_id, receipt: sealed.receipt })
  })

  it('refuses a rejected review with 409 review_not_accepted', async () => {
    const review = await reviewOf([1, 3])
    expect(review.verdict).toBe('reject')
    const res = await seal(review.review_id)
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('review_not_accepted')
  })

  it('retires a playbook and keeps it for history', async () => {
    const sealed = (await seal((await reviewOf([2])).review_id)).json()
    const res = await app.inject({
      method: 'POST',
      url: `/v1/memory/playbooks/${sealed.playbook_id}/retire`,
      payload: { reason: 'stale' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ status: 'retired', retired_reason: 'stale' })
  })

  // Last: it stops queryd for good.
  it('with queryd stopped, no review seals a playbook', async () => {
    await stack.daemons.queryd?.stop()
    const review = await reviewOf([1, 2])
    expect(review).toMatchObject({ verdict: 'cycle', degraded: true })
    const res = await seal(review.review_id)
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('review_not_accepted')
  })
})
