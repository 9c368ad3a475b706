import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'

// Rule (found from outside, docs/ATTACKS.md): in local mode a page on a domain that rebinds its DNS
// to 127.0.0.1 is same-origin with itself and sends no cross-site header, so Origin checks do not
// see it; its requests still name its own domain in Host. A local-mode daemon on a loopback bind
// answers only requests whose Host is a loopback name, reads included.

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function build(token = '') {
  const config = testConfig({ auth: { token } })
  cleanups.push(config.cleanup)
  const app = createServer({ service: 'testd', config })
  app.get('/v1/things', { config: { scope: 'read' } }, async () => ({ things: [] }))
  return app
}

const get = (app: ReturnType<typeof build>, host: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/v1/things', headers: { host, ...headers } })

describe('no DNS-rebinding reads in local mode', () => {
  it('refuses a read whose Host is not a loopback name', async () => {
    const app = build()
    for (const host of ['evil.example:4310', 'evil.example', 'localhost.evil.example:3110', '10.0.0.5:3110']) {
      const res = await get(app, host)
      expect(res.statusCode, host).toBe(403)
      expect(res.json().error).toMatchObject({ code: 'cross_origin_refused', request_id: res.headers['x-request-id'] })
    }
  })

  it('answers loopback names, as curl and the daemons send them', async () => {
    const app = build()
    for (const host of ['localhost:3110', 'LOCALHOST', '127.0.0.1:3110', '127.0.0.2', '[::1]:3110']) {
      expect((await get(app, host)).statusCode, host).toBe(200)
    }
  })

  it('leaves Host alone when a token guards the daemon', async () => {
    const app = build('a-token-of-enough-length-0123456789')
    const res = await get(app, 'lakehouse.internal:3110', {
      authorization: 'Bearer a-token-of-enough-length-0123456789',
    })
    expect(res.statusCode).toBe(200)
  })
})
