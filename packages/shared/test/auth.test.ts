import { afterEach, describe, expect, it } from 'vitest'
import { ALL_ROUTES } from '../src/contracts/index.ts'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'

const MAIN = 'main-token-0123456789abcdef'
const READER = 'reader-token-0123456789abcdef'
const WRITER = 'writer-token-0123456789abcdef'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function build(auth: Record<string, unknown>) {
  const config = testConfig({ auth })
  cleanups.push(config.cleanup)
  const app = createServer({ service: 'testd', config })
  app.get('/v1/catalog/datasets', { config: { scope: 'read' } }, async () => ({ ok: 'read' }))
  app.post('/v1/catalog/datasets/:name/commits', { config: { scope: 'write' } }, async () => ({ ok: 'write' }))
  app.delete('/v1/catalog/datasets/:name', { config: { scope: 'admin' } }, async () => ({ ok: 'admin' }))
  app.post('/v1/query/sql', { config: { scope: 'read' } }, async () => ({ ok: 'query' }))
  return app
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('auth', () => {
  it('lets every request through in local mode (no token configured)', async () => {
    const app = build({})
    expect((await app.inject({ url: '/v1/catalog/datasets' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'DELETE', url: '/v1/catalog/datasets/x' })).statusCode).toBe(200)
  })

  it('answers a missing token with 401 unauthorized and WWW-Authenticate: Bearer', async () => {
    const res = await build({ token: MAIN }).inject({ url: '/v1/catalog/datasets' })
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/)
    expect(res.json().error.code).toBe('unauthorized')
  })

  it('answers a wrong token with 401, and a token of another scheme too', async () => {
    const app = build({ token: MAIN })
    expect((await app.inject({ url: '/v1/catalog/datasets', headers: bearer(`${MAIN}x`) })).statusCode).toBe(401)
    expect((await app.inject({ url: '/v1/catalog/datasets', headers: bearer(MAIN.slice(0, -1)) })).statusCode).toBe(401)
    const basic = await app.inject({ url: '/v1/catalog/datasets', headers: { authorization: `Basic ${MAIN}` } })
    expect(basic.statusCode).toBe(401)
  })

  it('accepts the main token for every scope', async () => {
    const app = build({ token: MAIN })
    expect((await app.inject({ url: '/v1/catalog/datasets', headers: bearer(MAIN) })).statusCode).toBe(200)
    const del = await app.inject({ method: 'DELETE', url: '/v1/catalog/datasets/x', headers: bearer(MAIN) })
    expect(del.statusCode).toBe(200)
  })

  it('keeps /health open without a token', async () => {
    const res = await build({ token: MAIN }).inject({ url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('testd ok')
  })

  it('gives a read token reads (including read-only POSTs) and 403 forbidden for writes', async () => {
    const app = build({ tokens: [{ name: 'agent', token: READER, scopes: ['read'] }] })
    expect((await app.inject({ url: '/v1/catalog/datasets', headers: bearer(READER) })).statusCode).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/v1/query/sql', headers: bearer(READER) })).statusCode).toBe(200)
    const write = await app.inject({ method: 'POST', url: '/v1/catalog/datasets/x/commits', headers: bearer(READER) })
    expect(write.statusCode).toBe(403)
    expect(write.json().error).toMatchObject({ code: 'forbidden', message: 'token "agent" lacks the write scope' })
  })

  it('gives a write token reads and writes but not admin actions', async () => {
    const app = build({ tokens: [{ name: 'ingest', token: WRITER, scopes: ['write'] }] })
    expect((await app.inject({ url: '/v1/catalog/datasets', headers: bearer(WRITER) })).statusCode).toBe(200)
    const write = await app.inject({ method: 'POST', url: '/v1/catalog/datasets/x/commits', headers: bearer(WRITER) })
    expect(write.statusCode).toBe(200)
    const admin = await app.inject({ method: 'DELETE', url: '/v1/catalog/datasets/x', headers: bearer(WRITER) })
    expect(admin.statusCode).toBe(403)
  })

  it('refuses a client address outside allow_ips with 403, before looking at the token', async () => {
    const app = build({ token: MAIN, allow_ips: ['10.1.0.0/16'] })
    const outside = await app.inject({
      url: '/v1/catalog/datasets',
      headers: bearer(MAIN),
      remoteAddress: '192.168.7.9',
    })
    expect(outside.statusCode).toBe(403)
    expect(outside.json().error.message).toMatch(/allow_ips/)
    const inside = await app.inject({ url: '/v1/catalog/datasets', headers: bearer(MAIN), remoteAddress: '10.1.200.3' })
    expect(inside.statusCode).toBe(200)
    const mapped = await app.inject({
      url: '/v1/catalog/datasets',
      headers: bearer(MAIN),
      remoteAddress: '::ffff:10.1.0.1',
    })
    expect(mapped.statusCode).toBe(200)
  })

  it('always admits loopback under allow_ips (the daemons talk over it), token still required', async () => {
    const app = build({ token: MAIN, allow_ips: ['10.1.0.0/16'] })
    const local = await app.inject({ url: '/v1/catalog/datasets', remoteAddress: '127.0.0.1' })
    expect(local.statusCode).toBe(401)
  })

  it('refuses to start with an allow_ips entry that is not a CIDR block', () => {
    expect(() => build({ allow_ips: ['10.0.0.0/33'] })).toThrow(/not a CIDR block/)
    expect(() => build({ allow_ips: ['example.com'] })).toThrow(/not a CIDR block/)
  })
})

describe('declared scopes (ADR-003)', () => {
  const scopeOf = (method: string, url: string) =>
    ALL_ROUTES.find(({ contract }) => contract.method === method && contract.url === url)?.contract.scope

  it.each([
    ['GET', '/v1/storage/objects/*', 'read'],
    ['HEAD', '/v1/storage/objects/*', 'read'],
    ['PUT', '/v1/storage/objects/*', 'write'],
    ['DELETE', '/v1/storage/objects/*', 'write'],
    ['POST', '/v1/query/sql', 'read'],
    ['POST', '/v1/embed', 'read'],
    ['POST', '/v1/ingest/:dataset', 'write'],
    ['POST', '/v1/catalog/datasets/:name/commits', 'write'],
    ['DELETE', '/v1/catalog/datasets/:name', 'admin'],
    ['POST', '/v1/catalog/vacuum', 'admin'],
  ] as const)('%s %s needs %s', (method, url, scope) => {
    expect(scopeOf(method, url)).toBe(scope)
  })

  it('refuses to start while a route declares no scope', async () => {
    const app = build({ token: MAIN })
    app.get('/v1/undeclared', async () => ({ ok: true }))
    await expect(app.ready()).rejects.toThrow(/without a declared scope.*GET \/v1\/undeclared/)
  })

  it('asks a request that matches no route for a valid token before it answers 404', async () => {
    const app = build({ tokens: [{ name: 'agent', token: READER, scopes: ['read'] }] })
    expect((await app.inject({ method: 'DELETE', url: '/v1/nothing/here' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'DELETE', url: '/v1/nothing/here', headers: bearer(READER) })).statusCode).toBe(
      404,
    )
  })
})
