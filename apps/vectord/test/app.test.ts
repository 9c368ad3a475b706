import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { type Peers, randomVectors, startPeers } from './stack.ts'

// Every vectors route through inject() against a real storaged and embedd (hashing model):
// 201/200/204/202 on success, 400/404/409/413 as DESIGN §5 says.

let peers: Peers
let app: ReturnType<typeof buildApp>
let cleanupConfig: () => void

beforeAll(async () => {
  peers = await startPeers({ embedd: true })
  const config = testConfig({
    peers: { storaged: peers.storaged.url, embedd: peers.embedd?.url as string },
    vectors: { body_limit_bytes: 256 * 1024 },
  })
  cleanupConfig = config.cleanup
  app = buildApp({ config })
  await app.ready()
  await waitFor(async () => (await app.inject({ url: '/v1/vectors/indexes' })).statusCode === 200, 'indexes loaded')
}, 60_000)

afterAll(async () => {
  await app?.close()
  await peers?.stop()
  cleanupConfig?.()
})

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object })

describe('vectord app', () => {
  it('answers /health as text/plain "vectord ok"', async () => {
    const res = await app.inject({ url: '/health' })
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.body).toBe('vectord ok')
  })

  it('is not ready while its peers are down, naming each', async () => {
    const down = `http://127.0.0.1:${await freePort()}`
    const config = testConfig({ peers: { storaged: down, queryd: down, embedd: down } })
    const lonely = buildApp({ config })
    try {
      const res = await lonely.inject({ url: '/ready' })
      expect(res.statusCode).toBe(503)
      expect(Object.keys(res.json().checks).sort()).toEqual(['embedd', 'indexes', 'queryd', 'storaged'])
    } finally {
      await lonely.close()
      config.cleanup()
    }
  })

  it('creates an index (201), refuses a second one (409) and a bad name (400)', async () => {
    const res = await post('/v1/vectors/indexes', { name: 'people', dim: 768, metric: 'cosine' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ name: 'people', dim: 768, count: 0, generation: 0, wal_length: 0, job: null })
    const again = await post('/v1/vectors/indexes', { name: 'people', dim: 768, metric: 'cosine' })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('already_exists')
    const bad = await post('/v1/vectors/indexes', { name: 'Bad-Name', dim: 4, metric: 'l2' })
    expect(bad.statusCode).toBe(400)
    const unknown = await post('/v1/vectors/indexes', { name: 'x', dim: 4, metric: 'l2', extra: 1 })
    expect(unknown.statusCode).toBe(400)
  })

  it('refuses an index whose model embeds to another dimension (400)', async () => {
    const res = await post('/v1/vectors/indexes', { name: 'small', dim: 8, metric: 'cosine', model: 'hashing-768' })
    expect(res.statusCode).toBe(400)
  })

  it('upserts text items, finds them by text with a filter, and gets one back', async () => {
    const items = [
      { id: 'a', text: 'senior python engineer in berlin', metadata: { city: 'berlin', level: 3 } },
      { id: 'b', text: 'junior java developer in paris', metadata: { city: 'paris', level: 1 } },
      { id: 'c', text: 'python data scientist in paris', metadata: { city: 'paris', level: 2 } },
    ]
    const up = await post('/v1/vectors/indexes/people/upsert', { items })
    expect(up.statusCode).toBe(200)
    expect(up.json()).toEqual({ upserted: 3 })
    const search = await post('/v1/vectors/indexes/people/search', {
      text: 'python engineer',
      k: 5,
      filter: { city: 'paris' },
    })
    expect(search.statusCode).toBe(200)
    const hits = search.json().hits as Array<{ id: string; metadata: { city: string } }>
    expect(hits.map((h) => h.id).sort()).toEqual(['b', 'c'])
    expect(hits[0]?.id).toBe('c')
    const item = await app.inject({ url: '/v1/vectors/indexes/people/items/a' })
    expect(item.statusCode).toBe(200)
    expect(item.json().metadata).toEqual({ city: 'berlin', level: 3 })
    expect(item.json().vector).toHaveLength(768)
    const info = await app.inject({ url: '/v1/vectors/indexes/people' })
    expect(info.json()).toMatchObject({ count: 3, wal_length: 1 })
    const list = await app.inject({ url: '/v1/vectors/indexes' })
    expect(list.json().indexes.map((i: { name: string }) => i.name)).toContain('people')
  })

  it('names the bad item: wrong dimension, both vector and text, neither', async () => {
    await post('/v1/vectors/indexes', { name: 'vecs', dim: 4, metric: 'l2' })
    const res = await post('/v1/vectors/indexes/vecs/upsert', {
      items: [
        { id: 'ok', vector: [1, 2, 3, 4] },
        { id: 'short', vector: [1, 2, 3] },
        { id: 'both', vector: [1, 2, 3, 4], text: 'x' },
        { id: 'neither' },
      ],
    })
    expect(res.statusCode).toBe(400)
    const paths = (res.json().error.issues as Array<{ path: string }>).map((i) => i.path)
    expect(paths).toEqual(['items.1.vector', 'items.2', 'items.3'])
    expect((await app.inject({ url: '/v1/vectors/indexes/vecs' })).json().count).toBe(0)
  })

  it('refuses metadata over 4 KiB (400) and a body over the limit (413)', async () => {
    const big = await post('/v1/vectors/indexes/vecs/upsert', {
      items: [{ id: 'm', vector: [1, 2, 3, 4], metadata: { blob: 'x'.repeat(5000) } }],
    })
    expect(big.statusCode).toBe(400)
    expect(big.json().error.issues[0].path).toBe('items.0.metadata')
    const huge = await post('/v1/vectors/indexes/people/upsert', {
      items: randomVectors(100, 768).map((vector, i) => ({ id: `v${i}`, vector })),
    })
    expect(huge.statusCode).toBe(413)
  })

  it('deletes items, then answers 404 for them; 404 for an absent index', async () => {
    await post('/v1/vectors/indexes/vecs/upsert', {
      items: [
        { id: 'p', vector: [0, 0, 0, 1] },
        { id: 'q', vector: [0, 0, 1, 0] },
      ],
    })
    const del = await post('/v1/vectors/indexes/vecs/delete', { ids: ['p', 'nope'] })
    expect(del.json()).toEqual({ deleted: 1 })
    expect((await app.inject({ url: '/v1/vectors/indexes/vecs/items/p' })).statusCode).toBe(404)
    expect((await app.inject({ url: '/v1/vectors/indexes/nope' })).statusCode).toBe(404)
    expect((await post('/v1/vectors/indexes/nope/search', { vector: [1, 2, 3, 4] })).statusCode).toBe(404)
    const hits = (await post('/v1/vectors/indexes/vecs/search', { vector: [0, 0, 1, 0], k: 10 })).json().hits
    expect(hits.map((h: { id: string }) => h.id)).toEqual(['q'])
  })

  it('refuses a search vector of the wrong dimension (400) and a k above 1000 (400)', async () => {
    expect((await post('/v1/vectors/indexes/vecs/search', { vector: [1, 2] })).statusCode).toBe(400)
    expect((await post('/v1/vectors/indexes/vecs/search', { vector: [1, 2, 3, 4], k: 1001 })).statusCode).toBe(400)
  })

  it('deletes an index (204), after which it is gone (404)', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/v1/vectors/indexes/vecs' })
    expect(res.statusCode).toBe(204)
    expect((await app.inject({ url: '/v1/vectors/indexes/vecs' })).statusCode).toBe(404)
    const left = []
    for await (const object of peers.storage.list('vectors/vecs/')) left.push(object.key)
    expect(left).toEqual([])
  })
})
