import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { sampleValue, scrape } from '@lakehouse/shared/testing/metrics-text.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp as buildGateway } from '../../apps/gateway/src/app.ts'

// ADR-019: every daemon's /metrics shows its own figures moving after real traffic (an ingest, a
// query, embeddings, a vector upsert and search, a review), scraped over loopback without a token
// from the daemons running as child processes; and the gateway's own /metrics refuses a remote
// caller without an admin token.

let stack: Stack
const before: Record<string, string> = {}
const DAEMONS = ['storaged', 'catalogd', 'ingestd', 'queryd', 'embedd', 'vectord', 'observerd'] as const

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

beforeAll(async () => {
  stack = await startStack({ more: ['ingestd', 'queryd', 'embedd', 'vectord', 'observerd'] })
  for (const daemon of DAEMONS) before[daemon] = await scrape(stack.url(daemon))
  const csv = 'city,people\nParis,3\nLyon,2\nNice,1\n'
  const ingested = await fetch(`${stack.url('ingestd')}/v1/ingest/towns?format=csv`, { method: 'POST', body: csv })
  expect(ingested.status).toBe(200)
  await post(`${stack.url('queryd')}/v1/query/sql`, { sql: 'SELECT sum(people) AS n FROM towns' })
  await post(`${stack.url('embedd')}/v1/embed`, { texts: ['rust engineer', 'rust engineer'] })
  await post(`${stack.url('embedd')}/v1/embed`, { texts: ['rust engineer'] })
  // vectord loads its (empty) index set after /health answers: create once it is ready.
  await waitFor(async () => (await fetch(`${stack.url('vectord')}/ready`)).ok, 'vectord /ready')
  await post(`${stack.url('vectord')}/v1/vectors/indexes`, { name: 'people', dim: 768, metric: 'cosine' })
  await post(`${stack.url('vectord')}/v1/vectors/indexes/people/upsert`, {
    items: [
      { id: 'a', text: 'rust engineer' },
      { id: 'b', text: 'java developer' },
    ],
  })
  await post(`${stack.url('observerd')}/v1/observer/reviews`, {
    claim: 'six people live in the towns',
    check: { sql: 'SELECT sum(people) AS n FROM towns', expect: { op: 'eq', value: 6 } },
  })
}, 180_000)

afterAll(async () => {
  await stack?.stop()
})

/** How much a sample rose between the scrape before the traffic and now. */
async function rise(daemon: (typeof DAEMONS)[number], name: string, ...labels: string[]): Promise<number> {
  const after = await scrape(stack.url(daemon))
  return sampleValue(after, name, ...labels) - sampleValue(before[daemon] ?? '', name, ...labels)
}

describe('metrics-move-after-traffic', () => {
  it('every daemon counts its requests by route pattern and has process metrics', async () => {
    for (const daemon of DAEMONS) {
      const text = await scrape(stack.url(daemon))
      expect(text, daemon).toContain(`process_resident_memory_bytes`)
      expect(
        sampleValue(text, 'http_requests_total', `service="${daemon}"`, 'route="/metrics"'),
        daemon,
      ).toBeGreaterThan(0)
    }
    // The query and the review's check both went through /v1/query/sql.
    expect(await rise('queryd', 'http_request_duration_seconds_count', 'route="/v1/query/sql"', 'status="200"')).toBe(2)
    expect(await rise('vectord', 'http_requests_total', 'route="/v1/vectors/indexes/:name/upsert"')).toBe(1)
  })

  it('storaged counts the bytes it stored and served', async () => {
    expect(await rise('storaged', 'storage_bytes_in_total')).toBeGreaterThan(0)
    expect(await rise('storaged', 'storage_bytes_out_total')).toBeGreaterThan(0)
  })

  it('catalogd counts commits', async () => {
    expect(await rise('catalogd', 'catalog_commits_total')).toBeGreaterThanOrEqual(1)
    expect(await scrape(stack.url('catalogd'))).toContain('catalog_commit_conflicts_total')
  })

  it('ingestd counts rows and times each phase', async () => {
    expect(await rise('ingestd', 'ingest_rows_total')).toBe(3)
    expect(await rise('ingestd', 'ingest_phase_duration_seconds_count', 'phase="commit"')).toBe(1)
  })

  it('queryd times runs and reads its Parquet cache tallies', async () => {
    // The query and the review's check: two runs; the one data file is downloaded once, then found.
    expect(await rise('queryd', 'query_duration_seconds_count')).toBe(2)
    const fetches = await rise('queryd', 'query_parquet_cache_fetches_total')
    expect(fetches).toBe(1)
    expect(await rise('queryd', 'query_parquet_cache_lookups_total')).toBeGreaterThan(fetches)
    const ratio = sampleValue(await scrape(stack.url('queryd')), 'query_parquet_cache_hit_ratio')
    expect(ratio).toBeGreaterThan(0)
    expect(ratio).toBeLessThan(1)
    expect(await scrape(stack.url('queryd'))).toContain('query_timeouts_total')
  })

  it('embedd counts cache hits', async () => {
    expect(await rise('embedd', 'embed_cache_hits_total')).toBeGreaterThanOrEqual(2)
    expect(await rise('embedd', 'embed_cache_misses_total')).toBeGreaterThanOrEqual(1)
  })

  it('vectord reports index sizes, WAL length and snapshot age', async () => {
    const text = await scrape(stack.url('vectord'))
    expect(sampleValue(text, 'vector_index_vectors', 'index="people"')).toBe(2)
    expect(sampleValue(text, 'vector_wal_length', 'index="people"')).toBeGreaterThanOrEqual(1)
    expect(text).toMatch(/^vector_snapshot_age_seconds\{[^}]*index="people"/m)
  })

  it('observerd counts reviews by verdict, reason and degraded', async () => {
    expect(
      await rise('observerd', 'observer_reviews_total', 'verdict="accept"', 'reason="claim_holds"', 'degraded="false"'),
    ).toBe(1)
  })
})

describe('the gateway keeps its /metrics to loopback and admin tokens', () => {
  it('refuses a remote caller without an admin token, answers loopback without one', async () => {
    const config = testConfig({ auth: { token: 'main-token-metrics-0123456789' } })
    const gateway = await buildGateway({ config })
    try {
      expect((await gateway.inject({ url: '/metrics', remoteAddress: '198.51.100.4' })).statusCode).toBe(401)
      const local = await gateway.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })
      expect(local.statusCode).toBe(200)
      expect(local.body).toContain('service="gateway"')
    } finally {
      await gateway.close()
      config.cleanup()
    }
  })
})
