import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import type { App } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { openSocket, parseResponse, readUntilClosed } from '@lakehouse/shared/testing/raw-http.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule (issue 9 item 11, RFC 9110 §7.6.1, ADR-013): hop-by-hop headers, and every header the
// Connection header names, are dropped in both directions; a client that sends Connection: close
// gets its connection closed even though the daemon keeps its own alive. Both ends are raw sockets,
// so the test sees the exact headers on each hop.

const UPSTREAM_ANSWER =
  'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n' +
  'connection: keep-alive, x-daemon-hop\r\nkeep-alive: timeout=30\r\nx-daemon-hop: 1\r\n' +
  'proxy-authenticate: Basic\r\ntrailer: x-t\r\nx-end-to-end: daemon\r\n\r\nok'

let upstream: Server
let gateway: App
let gatewayPort: number
const seenHeads: string[] = []
const config = testConfig()

beforeAll(async () => {
  upstream = createServer((socket) => {
    let head = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      head += chunk
      while (head.includes('\r\n\r\n')) {
        const end = head.indexOf('\r\n\r\n')
        seenHeads.push(head.slice(0, end).toLowerCase())
        head = head.slice(end + 4)
        socket.write(UPSTREAM_ANSWER)
      }
    })
  })
  upstream.listen(0, '127.0.0.1')
  await once(upstream, 'listening')
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`
  gateway = await buildApp({ config: testConfig({ peers: { storaged: upstreamUrl } }) })
  await gateway.listen({ host: '127.0.0.1', port: 0 })
  gatewayPort = (gateway.server.address() as { port: number }).port
})
afterAll(async () => {
  await gateway.close()
  upstream.close()
  config.cleanup()
})

describe('hop-by-hop headers stay at the hop', () => {
  it('drops them both ways and closes the client connection that asked for it', async () => {
    const socket = await openSocket(gatewayPort)
    socket.write(
      'GET /v1/storage/objects/x HTTP/1.1\r\nHost: localhost\r\nconnection: close, x-client-hop\r\nx-client-hop: 1\r\n' +
        'keep-alive: timeout=99\r\nte: trailers\r\nproxy-authorization: Basic abc\r\nproxy-connection: keep-alive\r\n' +
        'upgrade: h2c\r\nx-end-to-end: client\r\n\r\n',
    )
    const { text, closed } = await readUntilClosed(socket)
    expect(closed).toBe(true)
    const res = parseResponse(text)
    expect(res.status).toBe(200)
    expect(res.body).toBe('ok')
    expect(res.headers['x-end-to-end']).toBe('daemon')
    expect(res.headers.connection).toBe('close')
    for (const name of ['keep-alive', 'x-daemon-hop', 'proxy-authenticate', 'trailer']) {
      expect(res.headers, name).not.toHaveProperty(name)
    }

    const head = seenHeads.at(-1) ?? ''
    expect(head).toContain('x-end-to-end: client')
    for (const line of [
      'x-client-hop',
      'keep-alive: timeout=99',
      'te:',
      'proxy-authorization',
      'proxy-connection',
      'upgrade',
    ]) {
      expect(head, line).not.toContain(line)
    }
    expect(head).not.toMatch(/connection: [^\r\n]*close/)
  })
})
