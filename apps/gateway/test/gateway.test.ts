import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { Readable } from 'node:stream'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type DaemonProcess, freePort, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// A recording upstream on a real socket: what the gateway forwards is exactly what it receives.
interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  sha256: string
  bytes: number
}
let upstream: Server
let upstreamUrl: string
const seen: Seen[] = []

beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    const hash = createHash('sha256')
    let bytes = 0
    for await (const chunk of req) {
      hash.update(chunk)
      bytes += chunk.length
    }
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, sha256: hash.digest('hex'), bytes })
    if (req.url?.startsWith('/v1/query/slow')) {
      setTimeout(() => res.end('late'), 1_500)
      return
    }
    if (req.url?.startsWith('/v1/storage/download')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      Readable.from(chunks(16 * 1024 * 1024)).pipe(res)
      return
    }
    res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes' })
    res.end(JSON.stringify({ path: req.url, bytes }))
  })
  upstream.listen(0, '127.0.0.1')
  await once(upstream, 'listening')
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`
})
afterAll(() => {
  upstream.closeAllConnections()
  upstream.close()
})

function* chunks(total: number): Generator<Buffer> {
  const block = Buffer.alloc(1024 * 1024, 7)
  for (let sent = 0; sent < total; sent += block.length) yield block
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  seen.length = 0
  for (const c of cleanups.splice(0)) await c()
})

async function gateway(overrides: Parameters<typeof testConfig>[0] = {}) {
  const config = testConfig({
    peers: { storaged: upstreamUrl, queryd: upstreamUrl, observerd: upstreamUrl },
    ...overrides,
  })
  const app = await buildApp({ config })
  cleanups.push(() => app.close(), config.cleanup)
  return app
}

describe('gateway forwarding', () => {
  it('forwards a path, query string and body unchanged to the daemon that owns the prefix', async () => {
    const app = await gateway()
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/storage/objects/a/b%20c.bin?x=1&y=%2F',
      payload: 'hello',
      headers: { 'content-type': 'text/plain', 'if-none-match': '*' },
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['x-upstream']).toBe('yes')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/v1/storage/objects/a/b%20c.bin?x=1&y=%2F', bytes: 5 })
    expect(seen[0]?.headers['if-none-match']).toBe('*')
  })

  it('forwards an upload that asks Expect: 100-continue (curl does above 1 MiB)', async () => {
    const app = await gateway()
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/storage/objects/big.bin',
      payload: Buffer.alloc(2 * 1024 * 1024, 1),
      headers: { 'content-type': 'application/octet-stream', expect: '100-continue' },
    })
    expect(res.statusCode).toBe(201)
    expect(seen[0]?.bytes).toBe(2 * 1024 * 1024)
  })

  it('forwards a curl -d body (labelled x-www-form-urlencoded) as the bytes it came as', async () => {
    const app = await gateway()
    const body = '{"sql":"select 1"}'
    const res = await app.inject({
      method: 'POST',
      url: '/v1/query/sql',
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.statusCode).toBe(201)
    expect(seen[0]).toMatchObject({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') })
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it('routes both observerd prefixes (/v1/observer and /v1/memory)', async () => {
    const app = await gateway()
    await app.inject({ method: 'POST', url: '/v1/observer/reviews', payload: { a: 1 } })
    await app.inject({ method: 'GET', url: '/v1/memory/traces/x/history' })
    expect(seen.map((s) => s.url)).toEqual(['/v1/observer/reviews', '/v1/memory/traces/x/history'])
  })

  it('passes the request id to the daemon and returns it', async () => {
    const app = await gateway()
    const res = await app.inject({
      method: 'POST',
      url: '/v1/query/sql',
      payload: {},
      headers: { 'x-request-id': 'trace-1' },
    })
    expect(res.headers['x-request-id']).toBe('trace-1')
    expect(seen[0]?.headers['x-request-id']).toBe('trace-1')
  })

  it('streams a body far above the JSON body limit both ways, byte for byte', async () => {
    const app = await gateway({ server: { body_limit_bytes: 1024 } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const size = 32 * 1024 * 1024
    const expected = createHash('sha256')
    for (const c of chunks(size)) expected.update(c)
    const up = await fetch(`${url}/v1/storage/objects/big.bin`, {
      method: 'PUT',
      body: Readable.toWeb(Readable.from(chunks(size))) as ReadableStream,
      duplex: 'half',
    } as RequestInit)
    expect(up.status).toBe(201)
    expect(seen[0]).toMatchObject({ bytes: size, sha256: expected.digest('hex') })
    const down = await fetch(`${url}/v1/storage/download`)
    const got = createHash('sha256')
    let bytes = 0
    for await (const c of down.body as unknown as AsyncIterable<Uint8Array>) {
      got.update(c)
      bytes += c.length
    }
    expect(bytes).toBe(16 * 1024 * 1024)
  })

  it('answers 503 upstream_unavailable in the error shape when the daemon is down', async () => {
    const app = await gateway({ peers: { catalogd: `http://127.0.0.1:${await freePort()}` } })
    const res = await app.inject({ method: 'GET', url: '/v1/catalog/datasets' })
    expect(res.statusCode).toBe(503)
    expect(res.json().error).toMatchObject({ code: 'upstream_unavailable', message: 'catalogd is unavailable' })
    expect(res.json().error.request_id).toBe(res.headers['x-request-id'])
  })

  it('answers 504 upstream_timeout when the daemon does not answer within gateway.upstream_timeout_ms', async () => {
    const app = await gateway({ gateway: { upstream_timeout_ms: 200 }, query: { max_timeout_ms: 100 } })
    const res = await app.inject({ method: 'GET', url: '/v1/query/slow' })
    expect(res.statusCode).toBe(504)
    expect(res.json().error).toMatchObject({ code: 'upstream_timeout', message: 'queryd did not answer in time' })
  })

  it('checks the token at the edge: no token, no forwarding', async () => {
    const app = await gateway({ auth: { token: 'edge-token-0123456789abc' } })
    const res = await app.inject({ method: 'GET', url: '/v1/storage/objects' })
    expect(res.statusCode).toBe(401)
    expect(seen).toHaveLength(0)
    const ok = await app.inject({
      method: 'GET',
      url: '/v1/storage/objects',
      headers: { authorization: 'Bearer edge-token-0123456789abc' },
    })
    expect(ok.statusCode).toBe(201)
    expect(seen).toHaveLength(1)
  })

  it('answers a path no daemon owns with 404 not_found', async () => {
    const res = await (await gateway()).inject({ method: 'GET', url: '/v1/nowhere' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })
})

describe('gateway health passthrough', () => {
  const daemons: DaemonProcess[] = []
  const peers: Record<string, string> = {}
  beforeAll(async () => {
    const names = ['storaged', 'catalogd', 'ingestd', 'queryd', 'vectord', 'embedd', 'observerd'] as const
    const started = await Promise.all(names.map((name) => startDaemon(name, { env: { LH_CONFIG: '/dev/null' } })))
    for (const d of started) {
      daemons.push(d)
      peers[d.daemon] = d.url
    }
  }, 90_000)
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()))
  })

  it.each(['gateway', 'storaged', 'catalogd', 'ingestd', 'queryd', 'vectord', 'embedd', 'observerd'])(
    'GET /health/%s answers "<daemon> ok" as text/plain',
    async (name) => {
      const app = await gateway({ peers })
      const res = await app.inject({ method: 'GET', url: `/health/${name}` })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(res.body).toBe(`${name} ok`)
    },
  )

  it('answers /health/<daemon> with 503 upstream_unavailable when that daemon is down', async () => {
    const app = await gateway({ peers: { ...peers, vectord: `http://127.0.0.1:${await freePort()}` } })
    const res = await app.inject({ method: 'GET', url: '/health/vectord' })
    expect(res.statusCode).toBe(503)
    expect(res.json().error.code).toBe('upstream_unavailable')
  })

  it('keeps /health/<daemon> open when a token is configured', async () => {
    const app = await gateway({ peers, auth: { token: 'edge-token-0123456789abc' } })
    expect((await app.inject({ method: 'GET', url: '/health/embedd' })).body).toBe('embedd ok')
  })
})
