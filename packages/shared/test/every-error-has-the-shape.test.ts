import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type App, createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'
import { rawRequest } from '../src/testing/raw-http.ts'

// Rule (issue 9 item 8, DESIGN §5): every error a daemon sends, also those raised before any route
// runs (Node's HTTP parser, Fastify's router and body parsers), is {"error": {code, message,
// request_id}} with the request id also in x-request-id. Sent over a raw socket, because a client
// library would refuse to send most of these requests.

let app: App
let port: number
const config = testConfig()
beforeAll(async () => {
  app = createServer({ service: 'testd', config })
  app.post(
    '/v1/things',
    { schema: { body: z.strictObject({ a: z.number() }) }, config: { scope: 'write' } },
    async () => ({ ok: true }),
  )
  app.get('/v1/things/:key', { config: { scope: 'read' } }, async () => ({ ok: true }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  port = (app.server.address() as { port: number }).port
})
afterAll(async () => {
  await app.close()
  config.cleanup()
})

const post = (headers: string, body: string) => `POST /v1/things HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n${body}`

const CASES: Array<[name: string, request: string, status: number, code: string]> = [
  [
    'a raw tab in the path (Node parser)',
    'GET /v1/things/a\tb HTTP/1.1\r\nHost: localhost\r\n\r\n',
    400,
    'invalid_request',
  ],
  ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400, 'invalid_request'],
  [
    'headers larger than the parser takes',
    `GET /v1/things/a HTTP/1.1\r\nHost: localhost\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`,
    431,
    'headers_too_large',
  ],
  [
    'two different content-lengths',
    post('content-type: application/json\r\ncontent-length: 2\r\ncontent-length: 3\r\n', '{}'),
    400,
    'invalid_request',
  ],
  [
    'a broken chunked body',
    post('content-type: application/json\r\ntransfer-encoding: chunked\r\n', 'zz\r\n'),
    400,
    'invalid_request',
  ],
  [
    'a path the router cannot decode (FST_ERR_BAD_URL)',
    'GET /v1/things/a%zz HTTP/1.1\r\nHost: localhost\r\n\r\n',
    400,
    'invalid_request',
  ],
  [
    'an unknown content type (FST_ERR_CTP_INVALID_MEDIA_TYPE)',
    post('content-type: application/xml\r\ncontent-length: 2\r\n', '<a'),
    415,
    'unsupported_media_type',
  ],
  [
    'a body that is not JSON (FST_ERR_CTP_INVALID_JSON_BODY)',
    post('content-type: application/json\r\ncontent-length: 2\r\n', '{a'),
    400,
    'invalid_request',
  ],
  [
    'an empty JSON body (FST_ERR_CTP_EMPTY_JSON_BODY)',
    post('content-type: application/json\r\ncontent-length: 0\r\n', ''),
    400,
    'invalid_request',
  ],
  ['a path no route has', 'GET /v1/nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n', 404, 'not_found'],
]

describe('every error has the DESIGN §5 shape', () => {
  it.each(CASES)('%s', async (_name, request, status, code) => {
    const res = await rawRequest(port, request)
    expect(res.status, res.raw.slice(0, 300)).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = JSON.parse(res.body)
    expect(Object.keys(body)).toEqual(['error'])
    expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: res.headers['x-request-id'] })
    expect(body.error.request_id).toMatch(/\S/)
  })
})
