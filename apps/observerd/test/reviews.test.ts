import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { observerConfig, type PeerStack, startPeers } from './stack.ts'

// Reviews through observerd against real peers (ADR-015): a true claim is accepted and a false one
// rejected by real SQL; a forbidden statement is never evidence; a malformed claim is 400; and once
// queryd is stopped, no claim, true or false, is ever accepted.

const CSV = 'id,name,city,rate\n1,Ada,Chicago,120.50\n2,Bo,Chicago,99.00\n3,Cy,Denver,150.25\n'

const CLAIMS = [
  {
    claim: 'two candidates are in Chicago',
    sql: "SELECT count(*) FROM candidates WHERE city = 'Chicago'",
    expect: { op: 'eq', value: 2 },
  },
  {
    claim: 'five candidates are in Chicago',
    sql: "SELECT count(*) FROM candidates WHERE city = 'Chicago'",
    expect: { op: 'eq', value: 5 },
  },
  {
    claim: 'candidates 1 and 2 are in Chicago',
    sql: "SELECT id FROM candidates WHERE city = 'Chicago'",
    expect: { op: 'contains', values: [1, 2] },
  },
  { claim: 'the top rate is 150.25', sql: 'SELECT max(rate) FROM candidates', expect: { op: 'eq', value: '150.25' } },
  {
    claim: 'nobody is in Boston',
    sql: "SELECT id FROM candidates WHERE city = 'Boston'",
    expect: { op: 'row_count', value: 0 },
  },
] as const

describe('observerd reviews', () => {
  let stack: PeerStack
  let app: ReturnType<typeof buildApp>
  let cleanup: () => void

  beforeAll(async () => {
    stack = await startPeers()
    await stack.ingestCsv('candidates', CSV)
    const config = observerConfig(stack, { observer: { check_timeout_ms: 300 } })
    cleanup = config.cleanup
    app = buildApp({ config })
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await stack?.stop()
    cleanup?.()
  })

  const review = (body: unknown) => app.inject({ method: 'POST', url: '/v1/observer/reviews', payload: body as object })
  const asReview = ({ claim, sql, expect }: (typeof CLAIMS)[number]) => ({ claim, check: { sql, expect } })

  it('accepts true claims and rejects false ones, by real SQL', async () => {
    const verdicts = []
    for (const c of CLAIMS) {
      const res = await review(asReview(c))
      expect(res.statusCode, res.body).toBe(201)
      verdicts.push([res.json().verdict, res.json().degraded])
    }
    expect(verdicts).toEqual([
      ['accept', false],
      ['reject', false],
      ['accept', false],
      ['accept', false],
      ['accept', false],
    ])
  })

  it("passes the check's params to queryd", async () => {
    const check = {
      sql: 'SELECT count(*) FROM candidates WHERE city = ?',
      params: ['Chicago'],
      expect: { op: 'eq', value: 2 },
    }
    const res = await review({ claim: 'two candidates are in Chicago', check })
    expect(res.json()).toMatchObject({ verdict: 'accept', degraded: false, check })
  })

  it('stores the review: GET answers it unchanged, an unknown id is 404', async () => {
    const created = (await review(asReview(CLAIMS[0]))).json()
    const fetched = await app.inject({ url: `/v1/observer/reviews/${created.review_id}` })
    expect(fetched.statusCode).toBe(200)
    expect(fetched.json()).toEqual(created)
    expect(created.generation).toBeGreaterThan(0)
    const missing = await app.inject({ url: '/v1/observer/reviews/rv-00000000-0000-0000-0000-000000000000' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error.code).toBe('not_found')
  })

  it('never accepts a forbidden statement (COPY ... TO) as a check', async () => {
    for (const expect_ of [
      { op: 'eq', value: 1 },
      { op: 'row_count', value: 0 },
    ]) {
      const res = await review({
        claim: 'the export worked',
        check: { sql: "COPY (SELECT 1) TO '/tmp/lh-observer-copy.csv'", expect: expect_ },
      })
      expect(res.statusCode).toBe(201)
      expect(res.json()).toMatchObject({ verdict: 'cycle', degraded: true, reason: 'statement_not_allowed' })
    }
  })

  it('a check past its deadline is cycle + degraded (check_timeout)', async () => {
    const res = await review({
      claim: 'big',
      check: { sql: 'SELECT count(*) FROM range(100000000000)', expect: { op: 'gt', value: 0 } },
    })
    expect(res.json()).toMatchObject({ verdict: 'cycle', degraded: true, reason: 'check_timeout' })
  })

  it('answers a malformed claim with 400 and no verdict', async () => {
    const bad = [
      {},
      { claim: '', check: { sql: 'SELECT 1', expect: { op: 'eq', value: 1 } } },
      { claim: 'x', check: { sql: 'SELECT 1', expect: { op: 'about', value: 1 } } },
      { claim: 'x', check: { sql: 'SELECT 1', expect: { op: 'contains', value: 1 } } },
      { claim: 'x', check: { sql: 'SELECT 1', expect: { op: 'eq', value: 1 } }, verdict: 'accept' },
    ]
    for (const body of bad) {
      const res = await review(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().error.code).toBe('invalid_request')
    }
  })

  // Last: it stops queryd for good.
  it('with queryd stopped, never accepts: every review is cycle + degraded', async () => {
    await stack.daemons.queryd?.stop()
    for (const c of CLAIMS) {
      const res = await review(asReview(c))
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json()).toMatchObject({ verdict: 'cycle', degraded: true, reason: 'queryd_unavailable' })
    }
  })
})
