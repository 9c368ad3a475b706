import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CatalogClient } from '../src/clients/catalog.ts'
import { EmbedClient } from '../src/clients/embed.ts'
import { ServiceClient } from '../src/http-client.ts'

// Rule (issue 10): a client parses what a peer answers with the route contract's response schema,
// at the boundary. An answer off the contract is the peer's bug: 500 internal_error naming the
// route and the field, never a half-typed object passed on to the caller.

let server: Server
let answer: unknown
let base: string
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const catalog = () => new CatalogClient(new ServiceClient({ service: 'catalogd', baseUrl: base }))

describe('r-clients-parse-answers', () => {
  it('refuses an answer that is off the contract, naming the field', async () => {
    answer = { datasets: [{ name: 'x' }], generation: 1 }
    const client = catalog()
    await expect(client.listDatasets()).rejects.toMatchObject({
      status: 500,
      code: 'internal_error',
      message: expect.stringMatching(/catalogd answered GET \/v1\/catalog\/datasets off its contract at datasets\.0\./),
    })
    answer = { generation: '7' }
    await expect(client.generation()).rejects.toMatchObject({ code: 'internal_error' })
    await client.close()
  })

  it('passes an answer on the contract, typed', async () => {
    answer = { generation: 7 }
    const client = catalog()
    expect(await client.generation()).toBe(7)
    await client.close()
  })

  it('decodes base64 vectors only once their answer has the base64 shape', async () => {
    const client = new EmbedClient(new ServiceClient({ service: 'embedd', baseUrl: base }))
    answer = { model: 'm', dim: 2, encoding: 'float', vectors: [[1, 2]] }
    await expect(client.embedFloat32({ texts: ['a'] })).rejects.toMatchObject({ code: 'internal_error' })
    answer = {
      model: 'm',
      dim: 2,
      encoding: 'base64',
      vectors: [Buffer.from(new Float32Array([1, 2]).buffer).toString('base64')],
    }
    expect((await client.embedFloat32({ texts: ['a'] })).vectors[0]).toEqual(new Float32Array([1, 2]))
    await client.close()
  })
})
