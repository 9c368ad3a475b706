import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StorageClient } from '../src/clients/storage.ts'
import { UpstreamProtocolError } from '../src/errors.ts'
import { ServiceClient } from '../src/http-client.ts'

// Rule (issue 10 item 2): an object answer from storaged without an etag is storaged breaking its
// contract, 502 upstream_protocol_error: never NotFound, which callers read as "absent, create it".

let server: Server
let client: StorageClient
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '2' })
    res.end('hi')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  client = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl }))
})
afterAll(async () => {
  await client.close()
  server.close()
})

describe('an answer without an etag', () => {
  it('is a protocol error on HEAD, not an absent object', async () => {
    const err = await client.head('a/b').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpstreamProtocolError)
    expect(err).toMatchObject({ status: 502, code: 'upstream_protocol_error' })
  })

  it('is a protocol error on GET', async () => {
    await expect(client.getStream('a/b')).rejects.toBeInstanceOf(UpstreamProtocolError)
  })
})
