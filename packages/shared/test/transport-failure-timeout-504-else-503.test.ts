import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { UpstreamTimeout, UpstreamUnavailable } from '../src/errors.ts'
import { ServiceClient } from '../src/http-client.ts'
import { classifyTransport, transportError } from '../src/transport-errors.ts'

// Rule (issue 10 item 2): a transport failure is classified in one place; a timeout is 504
// upstream_timeout, refused / reset / DNS / unreachable are 503 upstream_unavailable, wherever the
// code sits (the error, its cause, an AggregateError's first error) and whichever daemon meets it.

const servers: Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

async function rawServer(onSocket: (socket: import('node:net').Socket) => void): Promise<string> {
  const server = createServer(onSocket)
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

describe('transport failures are classified once', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ cause: { code: 'ECONNRESET' } }, 'reset'],
    [{ errors: [{ code: 'ENOTFOUND' }] }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'EHOSTUNREACH' }, 'unreachable'],
    [{ cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }, 'timeout'],
    [{ name: 'TimeoutError' }, 'timeout'],
  ])('%j is %s', (err, kind) => {
    expect(classifyTransport(err)).toBe(kind)
  })

  it('leaves other errors alone', () => {
    expect(classifyTransport(new TypeError('boom'))).toBeUndefined()
    expect(transportError(new TypeError('boom'), 'peerd')).toBeUndefined()
  })

  it('maps a timeout to 504 and everything else to 503', () => {
    expect(transportError({ code: 'ETIMEDOUT' }, 'peerd')).toBeInstanceOf(UpstreamTimeout)
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ENETUNREACH']) {
      expect(transportError({ code }, 'peerd')).toBeInstanceOf(UpstreamUnavailable)
    }
  })

  it('the HTTP client answers 503 for a refused and a reset connection, 504 for a silent peer', async () => {
    const closed = await rawServer(() => {})
    servers.pop()?.close()
    const reset = await rawServer((socket) => socket.resetAndDestroy())
    const silent = await rawServer(() => {})
    const call = (baseUrl: string) =>
      new ServiceClient({ service: 'peerd', baseUrl, timeoutMs: 300 }).request({ method: 'GET', path: '/' })
    await expect(call(closed)).rejects.toThrow(/peerd is unavailable \(refused\)/)
    await expect(call(reset)).rejects.toThrow(/peerd is unavailable \(reset\)/)
    await expect(call(silent)).rejects.toBeInstanceOf(UpstreamTimeout)
  })
})
