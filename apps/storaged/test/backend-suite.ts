import { Readable } from 'node:stream'
import type { App } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import type { ObjectBackend } from '../src/backend.ts'

// The route suite every backend must pass (issue 3: "the same test suite passes on both backends").
// A backend whose test server cannot honour conditional writes says so in `conditionalSkip`, and
// those tests are skipped with that reason; the rest run unchanged.

export const CAP_BYTES = 64 * 1024

export interface SuiteTarget {
  name: string
  open: (config: ReturnType<typeof testConfig>) => Promise<ObjectBackend>
  /** Why conditional-write tests cannot run here, or undefined when they do. */
  conditionalSkip?: string
  /** Why multi-page listing cannot run here, or undefined when it does. */
  paginationSkip?: string
  /** Why the whole suite cannot run here (e.g. no server listening), or undefined. */
  skip?: string
}

const path = (key: string) => `/v1/storage/objects/${key}`

export function describeBackendSuite(target: SuiteTarget): void {
  const title = `storaged routes on the ${target.name} backend${target.skip ? ` (skipped: ${target.skip})` : ''}`
  describe.skipIf(target.skip)(title, () => {
    let app: App
    let config: ReturnType<typeof testConfig>
    beforeAll(async () => {
      config = testConfig({ storage: { max_object_bytes: CAP_BYTES } })
      app = await buildApp({ config, backend: await target.open(config) })
    })
    afterAll(async () => {
      await app.close()
      config.cleanup()
    })
    const put = (key: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
      app.inject({ method: 'PUT', url: path(key), payload, headers })

    it('registers the object and list routes', () => {
      for (const method of ['PUT', 'GET', 'HEAD', 'DELETE'] as const) {
        expect(app.hasRoute({ method, url: '/v1/storage/objects/*' })).toBe(true)
      }
      expect(app.hasRoute({ method: 'GET', url: '/v1/storage/objects' })).toBe(true)
    })

    it('stores an object and returns it byte-identical (happy path)', async () => {
      const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0])
      const created = await put('happy/a b.bin', bytes, { 'content-type': 'application/json' })
      expect(created.statusCode).toBe(201)
      const body = created.json()
      expect(body).toMatchObject({ key: 'happy/a b.bin', size: bytes.length })
      expect(body.etag).toMatch(/^".+"$/)
      const got = await app.inject({ method: 'GET', url: path('happy/a%20b.bin') })
      expect(got.statusCode).toBe(200)
      expect(got.rawPayload.equals(bytes)).toBe(true)
      expect(got.headers.etag).toBe(body.etag)
      const head = await app.inject({ method: 'HEAD', url: path('happy/a%20b.bin') })
      expect(head.statusCode).toBe(200)
      expect(head.headers['content-length']).toBe(String(bytes.length))
      expect(head.headers.etag).toBe(body.etag)
    })

    it('gives the same etag to the same bytes and another to other bytes', async () => {
      const a = (await put('etag/one', 'same bytes')).json().etag
      const b = (await put('etag/two', 'same bytes')).json().etag
      const c = (await put('etag/three', 'other bytes')).json().etag
      expect(a).toBe(b)
      expect(c).not.toBe(a)
    })

    it('stores an empty object', async () => {
      expect((await put('empty/zero', '')).json().size).toBe(0)
      const got = await app.inject({ method: 'GET', url: path('empty/zero') })
      expect(got.statusCode).toBe(200)
      expect(got.rawPayload.length).toBe(0)
    })

    it('serves byte ranges with 206 and refuses one past the end with 416', async () => {
      await put('range/obj', '0123456789')
      const mid = await app.inject({ method: 'GET', url: path('range/obj'), headers: { range: 'bytes=2-5' } })
      expect(mid.statusCode).toBe(206)
      expect(mid.payload).toBe('2345')
      expect(mid.headers['content-range']).toBe('bytes 2-5/10')
      const tail = await app.inject({ method: 'GET', url: path('range/obj'), headers: { range: 'bytes=-3' } })
      expect(tail.payload).toBe('789')
      const open = await app.inject({ method: 'GET', url: path('range/obj'), headers: { range: 'bytes=7-' } })
      expect(open.payload).toBe('789')
      const past = await app.inject({ method: 'GET', url: path('range/obj'), headers: { range: 'bytes=10-12' } })
      expect(past.statusCode).toBe(416)
      expect(past.json().error.code).toBe('range_not_satisfiable')
      expect(past.headers['content-range']).toBe('bytes */10')
    })

    it('answers 404 not_found for an absent object on GET and HEAD', async () => {
      const got = await app.inject({ method: 'GET', url: path('absent/nothing') })
      expect(got.statusCode).toBe(404)
      expect(got.json().error.code).toBe('not_found')
      expect((await app.inject({ method: 'HEAD', url: path('absent/nothing') })).statusCode).toBe(404)
    })

    it('deletes with 204, also when the object is absent', async () => {
      await put('del/x', 'x')
      expect((await app.inject({ method: 'DELETE', url: path('del/x') })).statusCode).toBe(204)
      expect((await app.inject({ method: 'GET', url: path('del/x') })).statusCode).toBe(404)
      expect((await app.inject({ method: 'DELETE', url: path('del/x') })).statusCode).toBe(204)
    })

    it('lists by prefix in key order, with next_cursor null at the end', async () => {
      const keys = ['list/b', 'list/a/2', 'list/a.c', 'list/a/1', 'list/a0', 'lister/z']
      for (const key of keys) await put(key, key)
      const all = await app.inject({ method: 'GET', url: '/v1/storage/objects', query: { prefix: 'list/' } })
      expect(all.statusCode).toBe(200)
      const json = all.json()
      expect(json.next_cursor).toBeNull()
      expect(json.objects.map((o: { key: string }) => o.key)).toEqual([
        'list/a.c',
        'list/a/1',
        'list/a/2',
        'list/a0',
        'list/b',
      ])
      for (const o of json.objects) {
        expect(o).toEqual({
          key: o.key,
          size: o.key.length,
          etag: expect.any(String),
          last_modified: expect.any(String),
        })
      }
      const partial = await app.inject({ method: 'GET', url: '/v1/storage/objects', query: { prefix: 'list/a/' } })
      expect(partial.json().objects.map((o: { key: string }) => o.key)).toEqual(['list/a/1', 'list/a/2'])
    })

    it.skipIf(target.paginationSkip)('pages through a listing with cursor and limit', async () => {
      const keys = ['page/e', 'page/a', 'page/c/1', 'page/b', 'page/d']
      for (const key of keys) await put(key, key)
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const query: Record<string, string> = { prefix: 'page/', limit: '2', ...(cursor ? { cursor } : {}) }
        const json = (await app.inject({ method: 'GET', url: '/v1/storage/objects', query })).json()
        expect(json.objects.length).toBeLessThanOrEqual(2)
        seen.push(...json.objects.map((o: { key: string }) => o.key))
        cursor = json.next_cursor
        pages++
      } while (cursor)
      expect(seen).toEqual([...keys].sort())
      expect(pages).toBe(3)
    })

    it('rejects a list limit above 1000 and an unknown query field with 400 invalid_request', async () => {
      const queries: Array<Record<string, string>> = [{ limit: '1001' }, { prefix: 'a', colour: 'red' }]
      for (const query of queries) {
        const res = await app.inject({ method: 'GET', url: '/v1/storage/objects', query })
        expect(res.statusCode).toBe(400)
        expect(res.json().error.code).toBe('invalid_request')
      }
    })

    it('rejects an If-None-Match other than * with 400 invalid_request (schema)', async () => {
      const res = await put('schema/x', 'x', { 'if-none-match': '"abc"' })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('invalid_request')
    })

    it('refuses a declared body over the cap with 413 and stores nothing', async () => {
      const res = await put('cap/declared', Buffer.alloc(CAP_BYTES + 1))
      expect(res.statusCode).toBe(413)
      expect(res.json().error.code).toBe('payload_too_large')
      expect((await app.inject({ method: 'GET', url: path('cap/declared') })).statusCode).toBe(404)
    })

    it('counts streamed bytes: an undeclared body over the cap is 413 and stores nothing', async () => {
      const chunks = Array.from({ length: 5 }, () => Buffer.alloc(CAP_BYTES / 4, 1))
      const res = await app.inject({ method: 'PUT', url: path('cap/streamed'), payload: Readable.from(chunks) })
      expect(res.statusCode).toBe(413)
      expect((await app.inject({ method: 'GET', url: path('cap/streamed') })).statusCode).toBe(404)
    })

    it('accepts a body of exactly the cap', async () => {
      expect((await put('cap/exact', Buffer.alloc(CAP_BYTES, 7))).statusCode).toBe(201)
    })

    it('rejects bad keys with 400 invalid_key', async () => {
      // inject() resolves dot segments like a browser would; raw paths are sent by key-escape.test.ts.
      for (const raw of [
        'a//b',
        'a%2f%2fb',
        'a%5cb',
        'a%00b',
        `${'x'.repeat(1025)}`,
        '.lh-tmp/x',
        'a/%EF%BC%8E%EF%BC%8E',
      ]) {
        const res = await put(raw, 'x')
        expect(res.statusCode, raw).toBe(400)
        expect(res.json().error.code, raw).toBe('invalid_key')
      }
    })

    describe.skipIf(target.conditionalSkip)('conditional writes', () => {
      it('If-None-Match: * creates once, then answers 412 precondition_failed', async () => {
        expect((await put('cond/new', 'v1', { 'if-none-match': '*' })).statusCode).toBe(201)
        const again = await put('cond/new', 'v2', { 'if-none-match': '*' })
        expect(again.statusCode).toBe(412)
        expect(again.json().error.code).toBe('precondition_failed')
        expect((await app.inject({ method: 'GET', url: path('cond/new') })).payload).toBe('v1')
      })

      it('If-Match swaps only on the current etag', async () => {
        const first = (await put('cond/cas', 'v1')).json().etag
        const swapped = await put('cond/cas', 'v2', { 'if-match': first })
        expect(swapped.statusCode).toBe(201)
        const stale = await put('cond/cas', 'v3', { 'if-match': first })
        expect(stale.statusCode).toBe(412)
        expect((await app.inject({ method: 'GET', url: path('cond/cas') })).payload).toBe('v2')
        expect((await put('cond/absent', 'v1', { 'if-match': first })).statusCode).toBe(412)
      })

      it('20 parallel create-only PUTs of one key: exactly one 201, nineteen 412', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => put('cond/race', `writer ${i}`, { 'if-none-match': '*' })),
        )
        const statuses = results.map((r) => r.statusCode).sort()
        expect(statuses.filter((s) => s === 201)).toHaveLength(1)
        expect(statuses.filter((s) => s === 412)).toHaveLength(19)
        const winner = results.find((r) => r.statusCode === 201)?.json().etag
        expect((await app.inject({ method: 'HEAD', url: path('cond/race') })).headers.etag).toBe(winner)
      })
    })
  })
}
