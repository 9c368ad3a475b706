import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { NotFound, PreconditionFailed, UpstreamTimeout, UpstreamUnavailable, VersionConflict } from '../src/errors.ts'
import { ServiceClient } from '../src/http-client.ts'
import { runWithRequestId } from '../src/request-context.ts'
import { freePort } from '../src/testing/daemon-process.ts'

// A peer on a real socket that records what it was sent and answers what the test says.
let server: Server | undefined
const clients: ServiceClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  server?.closeAllConnections()
  server?.close()
  server = undefined
})

async function peer(
  answer: (req: IncomingMessage, body: string) => { status: number; body?: unknown; delayMs?: number },
) {
  const seen: Array<{ req: IncomingMessage; body: string }> = []
  server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    seen.push({ req, body })
    const a = answer(req, body)
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs))
    res.writeHead(a.status, { 'content-type': 'application/json' })
    res.end(a.body === undefined ? '' : JSON.stringify(a.body))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address() as { port: number }
  return { url: `http://127.0.0.1:${address.port}`, seen }
}

function client(baseUrl: string, options: { token?: string; timeoutMs?: number } = {}) {
  const c = new ServiceClient({ service: 'peerd', baseUrl, ...options })
  clients.push(c)
  return c
}

describe('ServiceClient', () => {
  it('sends JSON with the service token and the current request id', async () => {
    const p = await peer(() => ({ status: 200, body: { ok: true } }))
    const c = client(p.url, { token: 'service-token-0123456789' })
    const answer = await runWithRequestId('req-42', () => c.json({ method: 'POST', path: '/v1/x', json: { a: 1 } }))
    expect(answer).toEqual({ ok: true })
    const [{ req, body }] = p.seen as [{ req: IncomingMessage; body: string }]
    expect(req.headers.authorization).toBe('Bearer service-token-0123456789')
    expect(req.headers['x-request-id']).toBe('req-42')
    expect(req.headers['content-type']).toBe('application/json')
    expect(JSON.parse(body)).toEqual({ a: 1 })
  })

  it('sends no authorization header in local mode', async () => {
    const p = await peer(() => ({ status: 200, body: {} }))
    await client(p.url).json({ method: 'GET', path: '/' })
    expect(p.seen[0]?.req.headers.authorization).toBeUndefined()
  })

  it('turns the peer error shape back into the typed error, message and issues kept', async () => {
    const p = await peer((req) =>
      req.url === '/conflict'
        ? { status: 409, body: { error: { code: 'version_conflict', message: 'stale', request_id: 'r' } } }
        : { status: 404, body: { error: { code: 'not_found', message: 'no such dataset', request_id: 'r' } } },
    )
    const c = client(p.url)
    const conflict = c.json({ method: 'POST', path: '/conflict' })
    await expect(conflict).rejects.toBeInstanceOf(VersionConflict)
    await expect(conflict).rejects.toThrow('stale')
    await expect(c.json({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(NotFound)
  })

  it('maps a bare status without the error shape to its generic class', async () => {
    const p = await peer(() => ({ status: 412 }))
    await expect(client(p.url).json({ method: 'PUT', path: '/k' })).rejects.toBeInstanceOf(PreconditionFailed)
  })

  it('returns passStatuses instead of throwing', async () => {
    const p = await peer(() => ({ status: 404, body: { error: { code: 'not_found', message: 'x', request_id: 'r' } } }))
    const response = await client(p.url).request({ method: 'HEAD', path: '/k', passStatuses: [404] })
    expect(response.statusCode).toBe(404)
    await response.body.dump()
  })

  it('answers 503 upstream_unavailable naming the peer when nothing listens', async () => {
    const port = await freePort()
    const call = client(`http://127.0.0.1:${port}`).json({ method: 'GET', path: '/' })
    await expect(call).rejects.toBeInstanceOf(UpstreamUnavailable)
    await expect(call).rejects.toThrow(/peerd is unavailable/)
  })

  it('answers 504 upstream_timeout when the peer does not answer in time', async () => {
    const p = await peer(() => ({ status: 200, body: {}, delayMs: 2_000 }))
    const call = client(p.url, { timeoutMs: 100 }).json({ method: 'GET', path: '/' })
    await expect(call).rejects.toBeInstanceOf(UpstreamTimeout)
  })
})
