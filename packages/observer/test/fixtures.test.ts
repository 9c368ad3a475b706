import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { QueryResult } from '@lakehouse/shared/clients/query.ts'
import { ReviewRequest } from '@lakehouse/shared/contracts/observer.ts'
import { describe, expect, it } from 'vitest'
import { Observer } from '../src/observer.ts'
import { MemoryStore, scriptedGenerations, scriptedQuery } from './memory-deps.ts'

// Every fixture in tests/fixtures/observer is one review with the verdict it must get (ADR-015):
// reject for a false claim, accept for a true one, cycle for an undecidable check, and cycle +
// degraded whenever the check could not run. The fail-open cases run the degraded ones again.

const DIR = resolve(import.meta.dirname, '../../../tests/fixtures/observer')

interface Fixture {
  proves: string
  request: unknown
  queryd: { result?: QueryResult; error?: string; generations?: Array<number | 'error'> }
  want: { verdict: string; degraded: boolean; reason: string }
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, ...(JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture) }))

function observerFor(fixture: Fixture, failOpen = false) {
  const store = new MemoryStore()
  const observer = new Observer({
    query: scriptedQuery(fixture.queryd),
    catalog: scriptedGenerations(fixture.queryd.generations ?? [7]),
    store,
    checkTimeoutMs: 1_000,
    maxRows: 100,
    failOpen,
  })
  return { observer, store }
}

describe('observer fixtures', () => {
  it('covers all four states', () => {
    const states = new Set(fixtures.map((f) => `${f.want.verdict}/${f.want.degraded}`))
    expect([...states].sort()).toEqual(['accept/false', 'cycle/false', 'cycle/true', 'reject/false'])
  })

  it.each(fixtures)('$name: $proves', async (fixture) => {
    const { observer, store } = observerFor(fixture)
    const review = await observer.review(ReviewRequest.parse(fixture.request))
    expect({ verdict: review.verdict, degraded: review.degraded, reason: review.reason }).toEqual(fixture.want)
    expect(review.fail_open).toBe(false)
    expect(JSON.parse(store.objects.get(`observer/reviews/${review.review_id}.json`) ?? 'null')).toEqual(review)
  })

  const degraded = fixtures.filter((f) => f.want.degraded)
  it.each(degraded)('fail-open turns $name into accept, still degraded', async (fixture) => {
    const review = await observerFor(fixture, true).observer.review(ReviewRequest.parse(fixture.request))
    expect(review).toMatchObject({ verdict: 'accept', degraded: true, fail_open: true, reason: fixture.want.reason })
    expect(review.detail).toMatch(/^fail_open: /)
  })

  it.each(fixtures.filter((f) => !f.want.degraded))('fail-open leaves $name as it is', async (fixture) => {
    const review = await observerFor(fixture, true).observer.review(ReviewRequest.parse(fixture.request))
    expect({ verdict: review.verdict, degraded: review.degraded, fail_open: review.fail_open }).toEqual({
      verdict: fixture.want.verdict,
      degraded: false,
      fail_open: false,
    })
  })
})
