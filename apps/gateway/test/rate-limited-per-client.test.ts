import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule (issue 9 item 9, DESIGN §4, ADR-013): the gateway limits each client, a bearer token or, in
// local mode, an address, to gateway.rate_limit_max requests per window, answering 429
// rate_limited in the error shape with Retry-After; /health and /health/<daemon> never count.

let upstream: Server
let upstreamUrl: string
beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('{}'))
  upstream.listen(0, '127.0.0.1')
  await once(upstream, 'listening')
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`
})
afterAll(() => {
  upstream.closeAllConnections()
  upstream.close()
})

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const TOKEN_A = 'token-a-0123456789abcdef'
const TOKEN_B = 'token-b-0123456789abcdef'

async function gateway(auth: Parameters<typeof testConfig>[0] = {}) {
  const config = testConfig({
    peers: { storaged: upstreamUrl, vectord: upstreamUrl },
    gateway: { rate_limit_max: 3, rate_limit_window_ms: 60_000 },
    ...auth,
  })
  const app = await buildApp({ config })
  cleanups.push(() => app.close(), config.cleanup)
  return app
}

describe('rate limits at the gateway', () => {
  it('answers 429 rate_limited with Retry-After once an address has used its requests (local mode)', async () => {
    const app = await gateway()
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/v1/storage/objects' })).statusCode).toBe(200)
    const res = await app.inject({ url: '/v1/storage/objects' })
    expect(res.statusCode).toBe(429)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(res.json().error).toMatchObject({ code: 'rate_limited', request_id: res.headers['x-request-id'] })
    // Another address is another client.
    const other = await app.inject({ url: '/v1/storage/objects', remoteAddress: '127.0.0.2' })
    expect(other.statusCode).toBe(200)
  })

  it('counts per token: one token used up leaves another untouched', async () => {
    const app = await gateway({
      auth: {
        tokens: [
          { name: 'a', token: TOKEN_A, scopes: ['read'] },
          { name: 'b', token: TOKEN_B, scopes: ['read'] },
        ],
      },
    })
    const as = (token: string) => ({ url: '/v1/storage/objects', headers: { authorization: `Bearer ${token}` } })
    for (let i = 0; i < 3; i++) expect((await app.inject(as(TOKEN_A))).statusCode).toBe(200)
    expect((await app.inject(as(TOKEN_A))).statusCode).toBe(429)
    expect((await app.inject(as(TOKEN_B))).statusCode).toBe(200)
  })

  it('never limits /health or /health/<daemon>', async () => {
    const app = await gateway()
    for (let i = 0; i < 4; i++) await app.inject({ url: '/v1/storage/objects' })
    for (let i = 0; i < 10; i++) {
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200)
      expect((await app.inject({ url: '/health/gateway' })).statusCode).toBe(200)
    }
  })
})
