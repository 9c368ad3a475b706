import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { type FakeUpstream, fakeVector, sendJson, startFakeUpstream } from './fake-upstream.ts'

// The openai provider against a fake OpenAI-compatible server that checks the real API:
// POST /v1/embeddings {model, input: [...], encoding_format} -> {object, data: [{embedding, index}], model, usage}.

const DIM = 6
const KEY = 'sk-test-0123456789abcdef0123456789abcdef'
let fake: FakeUpstream
let cleanups: Array<() => Promise<void> | void>

beforeEach(async () => {
  fake = await startFakeUpstream()
  cleanups = [() => fake.close()]
})
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

function appWith(model: Record<string, unknown> = {}) {
  const config = testConfig({
    embed: {
      default_model: 'text-embedding-3-small',
      batch_window_ms: 0,
      api_keys: { 'text-embedding-3-small': KEY },
      models: {
        'text-embedding-3-small': {
          provider: 'openai',
          dim: DIM,
          base_url: `${fake.url}/v1`,
          max_retries: 1,
          timeout_ms: 2_000,
          ...model,
        },
      },
    } as never,
  })
  const app = buildApp({ config })
  cleanups.push(
    () => config.cleanup(),
    () => app.close(),
  )
  return app
}

const embeddingsBody = (model: string, input: string[], dim = DIM) => ({
  object: 'list',
  // Real servers may answer out of order; each item carries its index.
  data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text, dim) })).reverse(),
  model,
  usage: { prompt_tokens: input.length, total_tokens: input.length },
})

const answerEmbeddings = (dim = DIM) =>
  fake.handle((req, res) => {
    const { model, input } = req.body as { model: string; input: string[] }
    sendJson(res, 200, embeddingsBody(model, input, dim))
  })

const post = (app: ReturnType<typeof appWith>, payload: object) =>
  app.inject({ method: 'POST', url: '/v1/embed', payload })

describe('openai provider', () => {
  it('sends {model, input, encoding_format: "float"} with the key as bearer, and orders vectors by index', async () => {
    answerEmbeddings()
    const app = appWith()
    const res = await post(app, { texts: ['one', 'two', 'three'] })
    expect(res.statusCode).toBe(200)
    expect(fake.requests).toHaveLength(1)
    const [sent] = fake.requests
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/embeddings' })
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(sent?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['one', 'two', 'three'],
      encoding_format: 'float',
    })
    const { vectors } = res.json()
    expect(vectors).toEqual(['one', 'two', 'three'].map((t) => fakeVector(t, DIM).map(Math.fround)))
  })

  it('adds no prefix unless configured, and the configured one by kind', async () => {
    answerEmbeddings()
    const app = appWith({ query_prefix: 'query: ', model: 'e5-small' })
    await post(app, { texts: ['q'], kind: 'query' })
    await post(app, { texts: ['d'] })
    expect(fake.requests.map((r) => (r.body as { model: string; input: string[] }).input)).toEqual([
      ['query: q'],
      ['d'],
    ])
    expect(fake.requests[0]?.body).toMatchObject({ model: 'e5-small' })
  })

  it('retries a 5xx with the package backoff, then answers 503 naming openai and never the key', async () => {
    fake.handle((_req, res) =>
      sendJson(res, 500, { error: { message: `boom for ${KEY}`, type: 'server_error' } }, { 'retry-after-ms': '1' }),
    )
    const app = appWith()
    const res = await post(app, { texts: ['x'] })
    expect(res.statusCode).toBe(503)
    expect(res.json().error).toMatchObject({ code: 'upstream_unavailable', message: expect.stringContaining('openai') })
    expect(res.body).not.toContain(KEY)
    expect(fake.requests).toHaveLength(2)
  })

  it('answers 502 provider_error for a rejected key without echoing it', async () => {
    fake.handle((_req, res) =>
      sendJson(res, 401, {
        error: {
          message: `Incorrect API key provided: ${KEY}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    )
    const app = appWith()
    const res = await post(app, { texts: ['x'] })
    expect(res.statusCode).toBe(502)
    expect(res.json().error.code).toBe('provider_error')
    expect(res.body).not.toContain(KEY)
    expect(fake.requests).toHaveLength(1)
  })

  it('cuts the key out of any other upstream message', async () => {
    fake.handle((_req, res) =>
      sendJson(res, 400, { error: { message: `bad input for key ${KEY}`, type: 'invalid_request_error' } }),
    )
    const res = await post(appWith(), { texts: ['x'] })
    expect(res.statusCode).toBe(502)
    expect(res.json().error.message).toContain('bad input for key ***')
  })

  it('answers 503 upstream_unavailable when nothing listens', async () => {
    const app = appWith({ base_url: `http://127.0.0.1:${await freePort()}/v1`, max_retries: 0 })
    const res = await post(app, { texts: ['x'] })
    expect(res.statusCode).toBe(503)
    expect(res.json().error.message).toMatch(/^openai \(model text-embedding-3-small\) is unavailable/)
  })

  it('answers 504 upstream_timeout when the server does not answer in time', async () => {
    fake.handle(() => {})
    const app = appWith({ timeout_ms: 200, max_retries: 0 })
    const res = await post(app, { texts: ['x'] })
    expect(res.statusCode).toBe(504)
    expect(res.json().error).toMatchObject({ code: 'upstream_timeout', message: expect.stringContaining('openai') })
  })

  it('answers 502 provider_error for a vector of the wrong dimension, never truncating it', async () => {
    answerEmbeddings(DIM * 2)
    const res = await post(appWith(), { texts: ['x', 'y'] })
    expect(res.statusCode).toBe(502)
    expect(res.json().error).toMatchObject({
      code: 'provider_error',
      message: expect.stringContaining('12 dimensions'),
    })
  })

  it('answers 502 provider_error when an input has no vector', async () => {
    fake.handle((req, res) => {
      const { model, input } = req.body as { model: string; input: string[] }
      const body = embeddingsBody(model, input)
      sendJson(res, 200, { ...body, data: body.data.slice(1) })
    })
    const res = await post(appWith(), { texts: ['x', 'y'] })
    expect(res.statusCode).toBe(502)
    expect(res.json().error.code).toBe('provider_error')
  })

  it('is ready when GET /v1/models answers, not when the server is down', async () => {
    fake.handle((_req, res) =>
      sendJson(res, 200, { object: 'list', data: [{ id: 'text-embedding-3-small', object: 'model' }] }),
    )
    const app = appWith()
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200)
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', url: '/v1/models' })
    await fake.close()
    const down = await app.inject({ method: 'GET', url: '/ready' })
    expect(down.statusCode).toBe(503)
    expect(down.body).not.toContain(KEY)
  })
})
