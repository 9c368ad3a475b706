import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { buildApp, createEmbedder } from '../src/app.ts'
import { EMBED_BODY_LIMIT_BYTES } from '../src/routes/embed.ts'

// POST /v1/embed and GET /v1/embed/models over the built-in hashing model: no external service.

let config: ReturnType<typeof testConfig>
let app: ReturnType<typeof buildApp>

beforeEach(() => {
  config = testConfig({ embed: { models: { 'hashing-64': { provider: 'hashing', dim: 64 } } } })
  app = buildApp({ config })
})
afterEach(async () => {
  await app.close()
  config.cleanup()
})

const embed = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/embed', payload: payload as object })
const unitLength = (vector: number[]) => Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0))

describe('embedd routes', () => {
  it('registers its routes', () => {
    expect(app.hasRoute({ method: 'POST', url: '/v1/embed' })).toBe(true)
    expect(app.hasRoute({ method: 'GET', url: '/v1/embed/models' })).toBe(true)
  })

  it('answers a 768-dim unit vector from the default model with no external service', async () => {
    const res = await embed({ texts: ['senior python engineer'] })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.model).toBe('hashing-768')
    expect(body.dim).toBe(768)
    expect(body.vectors).toHaveLength(1)
    expect(body.vectors[0]).toHaveLength(768)
    expect(unitLength(body.vectors[0])).toBeCloseTo(1, 5)
  })

  it('answers the acceptance command: curl -d sends JSON labelled x-www-form-urlencoded', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/embed',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '{"texts":["senior python engineer"]}',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().vectors[0]).toHaveLength(768)
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/embed',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'texts=senior',
    })
    expect(broken.statusCode).toBe(400)
  })

  it('sends each vector as base64 of its float32 little-endian bytes when asked (encoding: base64)', async () => {
    const texts = ['senior python engineer', 'forklift operator']
    const plain = (await embed({ texts })).json()
    const res = await embed({ texts, encoding: 'base64' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.encoding).toBe('base64')
    body.vectors.forEach((text: string, i: number) => {
      const bytes = Buffer.from(text, 'base64')
      expect(bytes.length).toBe(768 * 4)
      const decoded = Array.from({ length: 768 }, (_, j) => bytes.readFloatLE(j * 4))
      expect(decoded).toEqual(plain.vectors[i])
    })
    expect(plain.encoding).toBe('float')
  })

  it('answers one vector per text, in order, for a named model', async () => {
    const res = await embed({ texts: ['a b c', 'x y z', 'a b c'], model: 'hashing-64', kind: 'query' })
    expect(res.statusCode).toBe(200)
    const { model, dim, vectors } = res.json()
    expect([model, dim, vectors.length]).toEqual(['hashing-64', 64, 3])
    expect(vectors[0]).toEqual(vectors[2])
    expect(vectors[0]).not.toEqual(vectors[1])
  })

  it('answers a repeated text from the cache, equal to the fresh vector, without calling the provider', async () => {
    const embedder = createEmbedder(config.embed)
    const provider = embedder.modelOf(undefined).provider
    const calls = vi.spyOn(provider, 'embed')
    const cached = buildApp({ config, embedder })
    const send = (texts: string[]) => cached.inject({ method: 'POST', url: '/v1/embed', payload: { texts } })
    const first = (await send(['cache me'])).json().vectors[0]
    expect(calls).toHaveBeenCalledTimes(1)
    const second = (await send(['cache me'])).json().vectors[0]
    expect(calls).toHaveBeenCalledTimes(1)
    expect(second).toEqual(first)
    await send(['cache me', 'and me'])
    expect(calls).toHaveBeenCalledTimes(2)
    expect(calls.mock.calls[1]?.[0]).toEqual(['and me'])
    await cached.close()
  })

  it('lists the models with the default', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/embed/models' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      default_model: 'hashing-768',
      models: [
        { name: 'hashing-768', provider: 'hashing', dim: 768 },
        { name: 'hashing-64', provider: 'hashing', dim: 64 },
      ],
    })
  })

  it('rejects an unknown field with 400 invalid_request', async () => {
    const res = await embed({ texts: ['a'], normalize: true })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
  })

  it('rejects no texts, 257 texts and an empty text with 400 invalid_request', async () => {
    for (const texts of [[], Array.from({ length: 257 }, (_, i) => `t${i}`), ['']]) {
      const res = await embed({ texts })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('invalid_request')
    }
    expect((await embed({ texts: Array.from({ length: 256 }, (_, i) => `t${i}`) })).statusCode).toBe(200)
  })

  it('rejects a text over 32 KiB with 413 payload_too_large, and takes one of exactly 32 KiB', async () => {
    const res = await embed({ texts: ['ok', 'x'.repeat(32 * 1024 + 1)] })
    expect(res.statusCode).toBe(413)
    expect(res.json().error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('texts[1]') })
    expect((await embed({ texts: ['é'.repeat(16 * 1024)] })).statusCode).toBe(200)
    expect((await embed({ texts: [`${'é'.repeat(16 * 1024)}x`] })).statusCode).toBe(413)
  })

  it('takes a full request of 256 texts of 32 KiB (the route body cap allows it)', async () => {
    const text = 'lorem ipsum '.repeat(2730).slice(0, 32 * 1024)
    const res = await embed({
      texts: Array.from({ length: 256 }, (_, i) => `${i}${text.slice(String(i).length)}`),
      model: 'hashing-64',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().vectors).toHaveLength(256)
  })

  it('caps the body: over the route limit is 413 payload_too_large', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/embed',
      headers: { 'content-type': 'application/json' },
      payload: `{"texts":["${'x'.repeat(EMBED_BODY_LIMIT_BYTES)}"]}`,
    })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('answers an unknown model with 400 unknown_model', async () => {
    const res = await embed({ texts: ['a'], model: 'gpt-9' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('unknown_model')
  })

  it('is ready with the built-in default model', async () => {
    const res = await app.inject({ method: 'GET', url: '/ready' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ ready: true, checks: { 'model:hashing-768': { ok: true } } })
  })
})
