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
    stack = await startPeers(['embedd', 'vectord'])
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

  it('search surfaces the most similar sealed task first, and never a retired one', async () => {
    const sealAs = async (task: string, values: number[]) => {
      const review = await reviewOf(values)
      const res = await app.inject({
        method: 'POST',
        url: '/v1/memory/playbooks',
        payload: { task, steps: [{ tool: 'search', task }], review_id: review.review_id, namespace: 'search_test' },
      })
      expect(res.statusCode, res.body).toBe(201)
      return res.json().playbook_id as string
    }
    const python = await sealAs('find senior python engineers in Chicago', [1])
    const forklift = await sealAs('schedule forklift operators for the Denver warehouse', [2])
    const search = async () =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/memory/playbooks/search',
          payload: { task: 'senior python engineer in Chicago', k: 5, namespace: 'search_test' },
        })
      )
        .json()
        .hits.map((h: { playbook_id: string }) => h.playbook_id)
    expect(await search()).toEqual([python, forklift])
    await app.inject({
      method: 'POST',
      url: `/v1/memory/playbooks/${python}/retire?namespace=search_test`,
      payload: { reason: 'replaced' },
    })
    expect(await search()).toEqual([forklift])
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
