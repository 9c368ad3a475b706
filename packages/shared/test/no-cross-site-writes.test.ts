import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'

// Rule (issue 9 item 7, ADR-013): a web page the operator opens cannot write to a local-mode daemon.
// curl's shape (no Origin, no Sec-Fetch-*) keeps working, form-labelled JSON included; the headers
// below are the ones a browser really sends with a cross-site form post or fetch().

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function build(token = '') {
  const config = testConfig({ auth: { token } })
  cleanups.push(config.cleanup)
  const app = createServer({ service: 'testd', config })
  app.post('/v1/things', { config: { scope: 'write' } }, async (req) => ({ got: req.body }))
  app.delete('/v1/things/:name', { config: { scope: 'write' } }, async () => ({ deleted: true }))
  app.get('/v1/things', { config: { scope: 'read' } }, async () => ({ things: [] }))
  return app
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const EVIL_FORM_POST = {
  ...FORM,
  origin: 'https://evil.example',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
}
const EVIL_FETCH = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }

function expectRefused(res: {
  statusCode: number
  json: () => { error: Record<string, unknown> }
  headers: Record<string, unknown>
}) {
  expect(res.statusCode).toBe(403)
  expect(res.json().error).toMatchObject({ code: 'cross_origin_refused', request_id: res.headers['x-request-id'] })
}

describe('no cross-site writes', () => {
  it('keeps curl -d working: form-labelled JSON without Origin or Sec-Fetch-Site', async () => {
    const res = await build().inject({ method: 'POST', url: '/v1/things', headers: FORM, payload: '{"a":1}' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ got: { a: 1 } })
  })

  it('refuses a cross-site form post (Origin, Sec-Fetch-Site: cross-site, Sec-Fetch-Mode: navigate)', async () => {
    expectRefused(
      await build().inject({ method: 'POST', url: '/v1/things', headers: EVIL_FORM_POST, payload: '{"a":1}' }),
    )
  })

  it('refuses a form body that only says Sec-Fetch-Site: same-site (a sibling subdomain)', async () => {
    const headers = { ...FORM, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }
    expectRefused(await build().inject({ method: 'POST', url: '/v1/things', headers, payload: '{"a":1}' }))
  })

  it('refuses a text/plain no-cors fetch with an Origin, even with a token configured', async () => {
    const headers = { 'content-type': 'text/plain;charset=UTF-8', ...EVIL_FETCH, 'sec-fetch-mode': 'no-cors' }
    const app = build('a-token-of-sixteen-chars')
    expectRefused(await app.inject({ method: 'POST', url: '/v1/things', headers, payload: '{"a":1}' }))
  })

  it('refuses every state-changing request from a non-loopback Origin in local mode, JSON included', async () => {
    const app = build()
    const json = { ...EVIL_FETCH, 'content-type': 'application/json' }
    expectRefused(await app.inject({ method: 'POST', url: '/v1/things', headers: json, payload: '{"a":1}' }))
    expectRefused(await app.inject({ method: 'DELETE', url: '/v1/things/x', headers: EVIL_FETCH }))
    expectRefused(await app.inject({ method: 'DELETE', url: '/v1/things/x', headers: { origin: 'null' } }))
  })

  it('lets reads through from any origin, and writes from a loopback origin', async () => {
    const app = build()
    expect((await app.inject({ method: 'GET', url: '/v1/things', headers: EVIL_FETCH })).statusCode).toBe(200)
    const local = {
      origin: 'http://localhost:5173',
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/json',
    }
    expect(
      (await app.inject({ method: 'POST', url: '/v1/things', headers: local, payload: '{"a":1}' })).statusCode,
    ).toBe(200)
    const v6 = { origin: 'http://[::1]:8080' }
    expect((await app.inject({ method: 'DELETE', url: '/v1/things/x', headers: v6 })).statusCode).toBe(200)
  })
})
