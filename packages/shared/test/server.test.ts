import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InternalError, VersionConflict } from '../src/errors.ts'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'

const configs: Array<{ cleanup: () => void }> = []
afterEach(() => {
  for (const c of configs.splice(0)) c.cleanup()
})

const READ = { config: { scope: 'read' } } as const

function build(readyChecks = {}) {
  const config = testConfig({ server: { body_limit_bytes: 1024 } })
  configs.push(config)
  const app = createServer({ service: 'testd', config, readyChecks })
  app.post(
    '/v1/things',
    {
      config: { scope: 'write' },
      schema: { body: z.strictObject({ name: z.string().min(1), count: z.number().int().optional() }) },
    },
    async (req) => ({ got: req.body.name }),
  )
  app.get(
    '/v1/things',
    {
      config: { scope: 'read' },
      schema: { querystring: z.strictObject({ limit: z.coerce.number().int().max(10).optional() }) },
    },
    async (req) => ({
      limit: req.query.limit ?? null,
    }),
  )
  app.get('/v1/conflict', READ, async () => {
    throw new VersionConflict('expected version 3, found 4')
  })
  app.get('/v1/crash', READ, async () => {
    throw new Error('ENOENT: open /srv/secret/path/key=AKIA123')
  })
  app.get('/v1/internal', READ, async () => {
    throw new InternalError('internal error')
  })
  return app
}

describe('server factory', () => {
  it('answers GET /health as text/plain with exactly "<service> ok"', async () => {
    const res = await build().inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.body).toBe('testd ok')
  })

  it('answers /ready 200 when every check passes and 503 naming the failing one', async () => {
    const good = await build({ disk: async () => true }).inject({ url: '/ready' })
    expect(good.statusCode).toBe(200)
    expect(good.json()).toEqual({ service: 'testd', ready: true, checks: { disk: { ok: true } } })
    const bad = await build({
      disk: async () => true,
      peer: async () => {
        throw new Error('peer down')
      },
    }).inject({ url: '/ready' })
    expect(bad.statusCode).toBe(503)
    expect(bad.json().checks.peer).toEqual({ ok: false, error: 'peer down' })
  })

  it('takes a well-formed x-request-id from the caller and returns it', async () => {
    const res = await build().inject({ url: '/health', headers: { 'x-request-id': 'abc-123.x' } })
    expect(res.headers['x-request-id']).toBe('abc-123.x')
  })

  it('makes a new request id when none (or a malformed one) is given', async () => {
    const app = build()
    const none = await app.inject({ url: '/health' })
    const bad = await app.inject({ url: '/health', headers: { 'x-request-id': 'has spaces\tand tabs' } })
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(bad.headers['x-request-id']).not.toBe(none.headers['x-request-id'])
  })

  it('validates bodies with zod and passes the parsed value to the handler', async () => {
    const res = await build().inject({ method: 'POST', url: '/v1/things', payload: { name: 'a' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ got: 'a' })
  })

  it('parses the JSON that curl -d labels application/x-www-form-urlencoded', async () => {
    const res = await build().inject({
      method: 'POST',
      url: '/v1/things',
      payload: '{"name":"from-curl"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ got: 'from-curl' })
  })

  it('rejects an unknown body field with 400 invalid_request naming it', async () => {
    const res = await build().inject({ method: 'POST', url: '/v1/things', payload: { name: 'a', extra: 1 } })
    expect(res.statusCode).toBe(400)
    const { error } = res.json()
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain('extra')
    expect(error.request_id).toBe(res.headers['x-request-id'])
    expect(error.issues.length).toBeGreaterThan(0)
  })

  it('reports the path of a wrong-typed field in issues', async () => {
    const res = await build().inject({ method: 'POST', url: '/v1/things', payload: { name: 'a', count: 'x' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.issues).toEqual([expect.objectContaining({ path: 'body.count' })])
  })

  it('rejects unknown and invalid query-string fields with 400 invalid_request', async () => {
    const app = build()
    expect((await app.inject({ url: '/v1/things?limit=3' })).json()).toEqual({ limit: 3 })
    const unknown = await app.inject({ url: '/v1/things?lmit=3' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.code).toBe('invalid_request')
    const invalid = await app.inject({ url: '/v1/things?limit=99' })
    expect(invalid.json().error.issues[0].path).toBe('query.limit')
  })

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const res = await build().inject({ method: 'POST', url: '/v1/things', payload: { name: 'x'.repeat(2000) } })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('answers malformed JSON with 400 invalid_request in the error shape', async () => {
    const res = await build().inject({
      method: 'POST',
      url: '/v1/things',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })

  it('maps a LakehouseError to its status and code', async () => {
    const res = await build().inject({ url: '/v1/conflict' })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toEqual({
      error: {
        code: 'version_conflict',
        message: 'expected version 3, found 4',
        request_id: res.headers['x-request-id'],
      },
    })
  })

  it('answers an unexpected error with a bare 500: no message, stack, path or secret', async () => {
    const res = await build().inject({ url: '/v1/crash' })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({
      error: { code: 'internal_error', message: 'internal error', request_id: res.headers['x-request-id'] },
    })
    expect(res.body).not.toMatch(/ENOENT|\/srv|AKIA|at |stack/)
  })

  it('answers an unknown route with 404 not_found in the error shape', async () => {
    const res = await build().inject({ method: 'DELETE', url: '/v1/nothing?x=1' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error).toEqual({
      code: 'not_found',
      message: 'no route for DELETE /v1/nothing',
      request_id: res.headers['x-request-id'],
    })
  })
})

describe('error registry', () => {
  it('turns every error class back into itself from its code (a hop between daemons keeps the type)', async () => {
    const errors = await import('../src/errors.ts')
    type ErrorClass = new (message: string) => InstanceType<typeof errors.LakehouseError>
    const classes = Object.values(errors).filter(
      (v) => typeof v === 'function' && v.prototype instanceof errors.LakehouseError,
    ) as unknown as ErrorClass[]
    expect(classes.length).toBeGreaterThan(20)
    for (const cls of classes) {
      const original = new cls('why')
      const back = errors.errorFromBody(original.status, { error: { code: original.code, message: 'why' } })
      expect(back, original.code).toBeInstanceOf(cls)
      expect(back.message).toBe('why')
    }
  })
})

describe('undecodable URLs', () => {
  it('answers a URL the router cannot decode with 400 invalid_request in the error shape', async () => {
    const app = build()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    try {
      for (const path of ['/v1/things/%zz', '/v1/things/%c0%ae']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`)
        const body = (await res.json()) as { error: { code: string; request_id: string } }
        expect(res.status, path).toBe(400)
        expect(body.error.code).toBe('invalid_request')
        expect(body.error.request_id).toBe(res.headers.get('x-request-id'))
      }
    } finally {
      await app.close()
    }
  })
})
