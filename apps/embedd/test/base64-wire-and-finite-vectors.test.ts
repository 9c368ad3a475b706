import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import { Base64EmbedResponse, decodeFloat32Base64, encodeFloat32Base64 } from '@lakehouse/shared/contracts/embed.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbedModel } from '../src/model.ts'
import { base64Answer } from '../src/routes/embed.ts'

// Rules (ADR-023): every EmbedClient call asks embedd for base64 vectors, also the one that hands
// its caller number arrays; the base64 answer embedd writes by hand is the contract's shape, with
// any model name escaped; and a provider's non-finite value is still refused after the fast check.

const vectors = [new Float32Array([0.5, -1.25, 3]), new Float32Array([1e-7, 0, -0])]

describe('base64 on the wire', () => {
  let server: Server
  let client: EmbedClient
  const seen: unknown[] = []
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let body = ''
      for await (const chunk of req) body += chunk
      seen.push(JSON.parse(body))
      res.setHeader('content-type', 'application/json')
      res.end(base64Answer({ model: 'm', dim: 3, vectors }))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    client = new EmbedClient(new ServiceClient({ service: 'embedd', baseUrl: `http://127.0.0.1:${port}` }))
  })
  afterAll(async () => {
    await client.close()
    server.close()
  })

  it('embed() asks for base64 and answers number arrays of the same float32 values', async () => {
    const answer = await client.embed({ texts: ['a', 'b'] })
    expect(seen.at(-1)).toMatchObject({ texts: ['a', 'b'], encoding: 'base64' })
    expect(answer).toEqual({ model: 'm', dim: 3, encoding: 'float', vectors: vectors.map((v) => Array.from(v)) })
  })

  it('embedFloat32() asks for base64', async () => {
    const answer = await client.embedFloat32({ texts: ['a'], kind: 'query' })
    expect(seen.at(-1)).toMatchObject({ encoding: 'base64', kind: 'query' })
    expect(answer.vectors).toEqual(vectors)
  })

  it("embedd's hand-written answer parses with the contract's schema, whatever the model is called", () => {
    const model = 'we"ird\\name\u2028'
    const parsed = Base64EmbedResponse.parse(JSON.parse(base64Answer({ model, dim: 3, vectors }).toString('utf8')))
    expect(parsed).toEqual({ model, dim: 3, encoding: 'base64', vectors: vectors.map(encodeFloat32Base64) })
    expect(parsed.vectors.map(decodeFloat32Base64)).toEqual(vectors)
  })
})

describe('a provider answer with a non-finite value is refused', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    it(`${bad}`, async () => {
      const provider = {
        kind: 'fake',
        embed: async () => [[0.1, bad, 0.2]],
        ping: async () => undefined,
        close: async () => undefined,
      }
      const model = new EmbedModel('fake', 3, provider, undefined)
      await expect(model.embed(['x'], 'document')).rejects.toMatchObject({
        message: expect.stringMatching(/non-finite/),
      })
    })
  }
})
