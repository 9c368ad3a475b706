import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../src/server.ts'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'
import { openSocket, parseResponse, readUntilClosed } from '../src/testing/raw-http.ts'

// Rule (issue 9 item 4, ADR-013): a client that trickles its headers or its body is cut off by the
// server's header and request timeouts, set from [server] in the shared factory; an ordinary large
// upload at the default settings is not. Timeouts are kept tiny through config; the test waits for
// the server to close the socket, with a deadline, and asserts nothing about time.

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function listen(overrides: Parameters<typeof testConfig>[0]): Promise<{ app: App; port: number }> {
  const config = testConfig(overrides)
  const app = createServer({ service: 'testd', config })
  // A stand-in for an upload route: consumes the whole body as a stream and counts it.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload))
  app.put('/v1/upload', { config: { scope: 'write' } }, async (req) => {
    let bytes = 0
    for await (const chunk of req.body as Readable) bytes += (chunk as Buffer).length
    return { bytes }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  cleanups.push(() => app.close(), config.cleanup)
  return { app, port: (app.server.address() as { port: number }).port }
}

const tiny = { server: { headers_timeout_ms: 200, request_timeout_ms: 400, timeout_check_interval_ms: 50 } }

/** Writes `next()` every few milliseconds until the socket closes: a client that never finishes. */
function trickle(socket: import('node:net').Socket, next: () => string): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer)
    else socket.write(next())
  }, 20)
  socket.on('close', () => clearInterval(timer))
}

describe('slow clients are cut off', () => {
  it('closes a connection that trickles its headers, answering 408 request_timeout in the error shape', async () => {
    const { port } = await listen(tiny)
    const socket = await openSocket(port)
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n')
    let n = 0
    trickle(socket, () => `x-slow-${n++}: y\r\n`)
    const { text, closed } = await readUntilClosed(socket)
    expect(closed).toBe(true)
    const res = parseResponse(text)
    expect(res.status).toBe(408)
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'request_timeout',
      request_id: res.headers['x-request-id'],
    })
  })

  it('closes a connection that trickles its body', async () => {
    const { port } = await listen(tiny)
    const socket = await openSocket(port)
    socket.write(
      'PUT /v1/upload HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/octet-stream\r\ncontent-length: 100000\r\n\r\n',
    )
    trickle(socket, () => 'x')
    const { text, closed } = await readUntilClosed(socket)
    expect(closed).toBe(true)
    expect(text).not.toContain('"bytes"')
  })

  it('lets an ordinary 64 MiB upload through at the default timeouts', async () => {
    const { port } = await listen({})
    const size = 64 * 1024 * 1024
    const block = Buffer.alloc(1024 * 1024, 7)
    const res = await fetch(`http://127.0.0.1:${port}/v1/upload`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(
        Readable.from(
          (function* () {
            for (let s = 0; s < size; s += block.length) yield block
          })(),
        ),
      ) as ReadableStream,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ bytes: size })
  })
})
