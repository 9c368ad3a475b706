import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { App } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { openSocket } from '@lakehouse/shared/testing/raw-http.ts'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule (ADR-013): the gateway streams uploads without parsing them, so a client that goes away in
// the middle of an upload must take the forwarded request with it; otherwise the daemon waits on a
// body that never ends, holding a connection and an upload slot.

let upstream: Server
let gateway: App
let gatewayPort: number
const received: IncomingMessage[] = []
const config = testConfig()

beforeAll(async () => {
  upstream = createServer((req, res) => {
    received.push(req)
    req.resume()
    req.on('end', () => res.end('{}'))
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
  upstream.closeAllConnections()
  upstream.close()
  config.cleanup()
})

it('aborts the forwarded request when the client closes mid-upload', async () => {
  const socket = await openSocket(gatewayPort)
  socket.write('PUT /v1/storage/objects/big HTTP/1.1\r\nHost: localhost\r\ncontent-length: 1000000\r\n\r\n')
  socket.write(Buffer.alloc(64 * 1024, 1))
  await waitFor(async () => received.length === 1, 'the forwarded request at the daemon')
  socket.destroy()
  const forwarded = received[0] as IncomingMessage
  await waitFor(async () => forwarded.destroyed, 'the forwarded request to be aborted')
  expect(forwarded.complete).toBe(false)
})
