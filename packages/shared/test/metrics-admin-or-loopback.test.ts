import { afterEach, describe, expect, it } from 'vitest'
import { metricsRegistry } from '../src/metrics.ts'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'
import { sampleValue as sample } from '../src/testing/metrics-text.ts'

// ADR-019: /metrics answers a loopback caller without a token and anyone else only with an admin
// token; HTTP figures carry the route pattern, never the raw URL.

const MAIN = 'main-token-0123456789abcdef'
const READER = 'reader-token-0123456789abcdef'
const REMOTE = '203.0.113.7'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

function build() {
  const config = testConfig({ auth: { token: MAIN, tokens: [{ name: 'reader', token: READER, scopes: ['read'] }] } })
  const app = createServer({ service: 'testd', config })
  app.get('/v1/things/:name', { config: { scope: 'open' } }, async () => ({ ok: true }))
  cleanups.push(config.cleanup, () => app.close())
  return app
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('GET /metrics', () => {
  it('answers a loopback caller without a token', async () => {
    const res = await build().inject({ url: '/metrics', remoteAddress: '127.0.0.1' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })

  it('refuses a non-loopback caller without a token, or with a non-admin token', async () => {
    const app = build()
    expect((await app.inject({ url: '/metrics', remoteAddress: REMOTE })).statusCode).toBe(401)
    expect((await app.inject({ url: '/metrics', remoteAddress: REMOTE, headers: bearer(READER) })).statusCode).toBe(403)
    expect((await app.inject({ url: '/metrics', remoteAddress: REMOTE, headers: bearer(MAIN) })).statusCode).toBe(200)
  })

  it('counts requests by route pattern, method and status, not by raw URL', async () => {
    const app = build()
    for (const name of ['a', 'b', 'c']) await app.inject({ url: `/v1/things/${name}` })
    await app.inject({ url: '/nowhere/at/all' })
    const text = (await app.inject({ url: '/metrics' })).body
    const things = ['route="/v1/things/:name"', 'method="GET"', 'status="200"', 'service="testd"']
    expect(sample(text, 'http_requests_total', ...things)).toBe(3)
    expect(sample(text, 'http_request_duration_seconds_count', ...things)).toBe(3)
    expect(sample(text, 'http_requests_total', 'route="unmatched"', 'status="401"')).toBe(1)
    expect(text).not.toContain('/v1/things/a')
  })

  it('keeps one registry per app, so two apps in one process count apart', async () => {
    const one = build()
    const two = build()
    await one.inject({ url: '/v1/things/x' })
    expect(metricsRegistry(one)).not.toBe(metricsRegistry(two))
    const text = (await two.inject({ url: '/metrics' })).body
    expect(sample(text, 'http_requests_total', 'route="/v1/things/:name"')).toBe(0)
  })
})
