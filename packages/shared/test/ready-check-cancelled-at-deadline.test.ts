import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { runCheck } from '../src/health.ts'
import { ServiceClient } from '../src/http-client.ts'
import { waitFor } from '../src/testing/daemon-process.ts'

// Rule: a /ready check that misses its deadline answers "not ready" AND is cancelled: the peer's
// /health request is aborted, not left running behind the answer (AbortSignal.timeout, ADR-012).

let server: Server | undefined
afterEach(() => {
  server?.closeAllConnections()
  server?.close()
})

describe('ready check deadline', () => {
  it('aborts the signal the check was given', async () => {
    let isAborted = false
    const result = await runCheck(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            isAborted = true
            reject(new Error('aborted'))
          })
        }),
      50,
    )
    expect(result).toEqual({ ok: false, error: 'no answer within 50 ms' })
    expect(isAborted).toBe(true)
  })

  it('closes the request to a peer that never answers', async () => {
    let isClosed = false
    server = createServer((req) => {
      req.socket.on('close', () => {
        isClosed = true
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const peer = new ServiceClient({ service: 'peerd', baseUrl })
    const result = await runCheck((signal) => peer.health(signal), 50)
    expect(result.ok).toBe(false)
    await waitFor(async () => isClosed, 'the peer to see its request closed', 5_000)
    await peer.close()
  })
})
