import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, createEmbedder } from '../src/app.ts'
import { type FakeUpstream, fakeVector, sendJson, startFakeUpstream } from './fake-upstream.ts'

// The ollama provider against a fake Ollama that checks the real API: POST /api/embed
// {model, input: [...]} -> {model, embeddings: [[...]]}, GET /api/tags for readiness.

const DIM = 8
let fake: FakeUpstream
let cleanups: Array<() => Promise<void> | void>

beforeEach(async () => {
  fake = await startFakeUpstream()
  cleanups = [() => fake.close()]
})
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

function appWith(model: Record<string, unknown> = {}, embed: Record<string, unknown> = {}) {
  const config = testConfig({
    embed: {
      default_model: 'nomic-embed-text',
      batch_window_ms: 0,
      models: {
        'nomic-embed-text': {
          provider: 'ollama',
          dim: DIM,
          host: fake.url,
          max_retries: 1,
          timeout_ms: 2_000,
          ...model,
        },
      },
      ...embed,
    } as never,
  })
  const app = buildApp({ config })
  cleanups.push(
    () => config.cleanup(),
    () => app.close(),
  )
  return app
}

const answerEmbeddings = (dim = DIM) =>
  fake.handle((req, res) => {
    const { model, input } = req.body as { model: string; input: string[] }
    sendJson(res, 200, {
      model,
      embeddings: input.map((text) => fakeVector(text, dim)),
      total_duration: 1000,
      load_duration: 10,
      prompt_eval_count: input.length,
    })
  })

const embedCalls = () => fake.requests.filter((r) => r.url === '/api/embed')

describe('ollama provider', () => {
  it('sends {model, input} to POST /api/embed with the nomic document prefix by default', async () => {
    answerEmbeddings()
    const app = appWith()
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['alpha', 'beta'] } })
    expect(res.statusCode).toBe(200)
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]).toMatchObject({ method: 'POST', url: '/api/embed' })
    expect(fake.requests[0]?.body).toEqual({
      model: 'nomic-embed-text',
      input: ['search_document: alpha', 'search_document: beta'],
    })
    const body = res.json()
    expect(body).toMatchObject({ model: 'nomic-embed-text', dim: DIM })
    expect(body.vectors[1]).toEqual(fakeVector('search_document: beta', DIM).map(Math.fround))
  })

  it('uses the query prefix for kind query, and the upstream model name when configured', async () => {
    answerEmbeddings()
    const app = appWith({ model: 'nomic-embed-text:v1.5' })
    await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['who'], kind: 'query' } })
    expect(fake.requests[0]?.body).toEqual({ model: 'nomic-embed-text:v1.5', input: ['search_query: who'] })
  })

  it('coalesces concurrent requests into one upstream call (micro-batching)', async () => {
    answerEmbeddings()
    const config = testConfig({
      embed: {
        default_model: 'nomic-embed-text',
        models: { 'nomic-embed-text': { provider: 'ollama', dim: DIM, host: fake.url } },
      } as never,
    })
    const embedder = createEmbedder(config.embed)
    cleanups.push(
      () => config.cleanup(),
      () => embedder.close(),
    )
    // Three requests in one tick: the batcher enqueues synchronously, so no timing is involved.
    const answers = await Promise.all(['a', 'b', 'c'].map((t) => embedder.embed({ texts: [`${t}1`, `${t}2`] })))
    expect(embedCalls()).toHaveLength(1)
    expect((embedCalls()[0]?.body as { input: string[] } | undefined)?.input).toHaveLength(6)
    expect(Array.from(answers[2]?.vectors[1] ?? [])).toEqual(fakeVector('search_document: c2', DIM).map(Math.fround))
  })

  it('splits a request into upstream calls of at most max_batch texts', async () => {
    answerEmbeddings()
    const app = appWith({ max_batch: 2 })
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['1', '2', '3', '4', '5'] } })
    expect(res.statusCode).toBe(200)
    expect(embedCalls().map((r) => (r.body as { input: string[] }).input.length)).toEqual([2, 2, 1])
    expect(res.json().vectors[4]).toEqual(fakeVector('search_document: 5', DIM).map(Math.fround))
  })

  it('answers a repeated text from the cache without calling the provider again', async () => {
    answerEmbeddings()
    const app = appWith()
    await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['same'] } })
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['same', 'new'] } })
    expect(res.statusCode).toBe(200)
    expect(embedCalls().map((r) => (r.body as { input: string[] }).input)).toEqual([
      ['search_document: same'],
      ['search_document: new'],
    ])
    // The kind is part of the key: the same text as a query is another vector.
    await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['same'], kind: 'query' } })
    expect(embedCalls()).toHaveLength(3)
  })

  it('retries a 5xx and answers when the provider recovers', async () => {
    let calls = 0
    fake.handle((req, res) => {
      calls += 1
      if (calls === 1) return sendJson(res, 503, { error: 'loading model' })
      const { input } = req.body as { input: string[] }
      sendJson(res, 200, { model: 'nomic-embed-text', embeddings: input.map((t) => fakeVector(t, DIM)) })
    })
    const app = appWith()
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['x'] } })
    expect(res.statusCode).toBe(200)
    expect(calls).toBe(2)
  })

  it('answers 503 upstream_unavailable naming ollama when it stays at 5xx', async () => {
    fake.handle((_req, res) => sendJson(res, 500, { error: 'out of memory' }))
    const app = appWith()
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['x'] } })
    expect(res.statusCode).toBe(503)
    expect(res.json().error).toMatchObject({ code: 'upstream_unavailable', message: expect.stringContaining('ollama') })
    expect(embedCalls()).toHaveLength(2)
  })

  it('answers 503 upstream_unavailable when nothing listens', async () => {
    const app = appWith({ host: `http://127.0.0.1:${await freePort()}` })
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['x'] } })
    expect(res.statusCode).toBe(503)
    expect(res.json().error.message).toMatch(/^ollama \(model nomic-embed-text\) is unavailable: refused/)
  })

  it('answers 504 upstream_timeout when the provider does not answer in time', async () => {
    fake.handle(() => {})
    const app = appWith({ timeout_ms: 200, max_retries: 0 })
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['x'] } })
    expect(res.statusCode).toBe(504)
    expect(res.json().error).toMatchObject({ code: 'upstream_timeout', message: expect.stringContaining('ollama') })
  })

  it('answers 502 provider_error for a vector of the wrong dimension, never truncating it', async () => {
    answerEmbeddings(DIM + 1)
    const app = appWith()
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['x'] } })
    expect(res.statusCode).toBe(502)
    expect(res.json().error).toMatchObject({ code: 'provider_error', message: expect.stringContaining('9 dimensions') })
  })

  it('answers 502 provider_error for a model Ollama does not have (404)', async () => {
    fake.handle((_req, res) =>
      sendJson(res, 404, { error: 'model "nomic-embed-text" not found, try pulling it first' }),
    )
    const app = appWith()
    const res = await app.inject({ method: 'POST', url: '/v1/embed', payload: { texts: ['x'] } })
    expect(res.statusCode).toBe(502)
    expect(res.json().error.message).toContain('not found, try pulling it first')
    expect(embedCalls()).toHaveLength(1)
  })

  it('is ready when Ollama lists the model, and not when it is missing or down', async () => {
    let tags = ['nomic-embed-text:latest']
    fake.handle((_req, res) => sendJson(res, 200, { models: tags.map((name) => ({ name, model: name, size: 1 })) }))
    const app = appWith()
    const ready = await app.inject({ method: 'GET', url: '/ready' })
    expect(ready.statusCode).toBe(200)
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', url: '/api/tags' })
    tags = ['llama3:latest']
    const missing = await app.inject({ method: 'GET', url: '/ready' })
    expect(missing.statusCode).toBe(503)
    expect(missing.json().checks['model:nomic-embed-text'].error).toContain('ollama pull nomic-embed-text')
    await fake.close()
    const down = await app.inject({ method: 'GET', url: '/ready' })
    expect(down.statusCode).toBe(503)
  })
})
