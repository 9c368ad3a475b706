import { FakeEmbed, FakeVectors } from '@lakehouse/pathway/testing/fakes.ts'
import { MemoryStorage } from '@lakehouse/pathway/testing/memory-storage.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// /v1/memory/traces over in-memory storage, embedd and vectord: statuses, error codes, the
// namespace rule and scopes. The rules themselves are proven in packages/pathway.

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const TOKEN_READ = 'read-token-0123456789'
const TOKEN_ALL = 'all-token-0123456789ab'

function build(storage = new MemoryStorage(), auth = {}) {
  const config = testConfig({ auth })
  const app = buildApp({ config, storage, embed: new FakeEmbed(), vectors: new FakeVectors() })
  cleanups.push(() => app.close(), config.cleanup)
  return app
}

async function add(app: ReturnType<typeof build>, payload: object) {
  return app.inject({ method: 'POST', url: '/v1/memory/traces', payload })
}

describe('observerd /v1/memory/traces', () => {
  it('ADD is 201, the same content again a 200 NOOP with the same uid', async () => {
    const app = build()
    const first = await add(app, { namespace: 'ns', content: 'use parquet', metadata: { agent: 'a' } })
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({ event: 'ADD', seq: 1, trace: { namespace: 'ns', version: 1, status: 'live' } })
    const again = await add(app, { namespace: 'ns', content: 'use parquet' })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ event: 'NOOP', seq: null, trace: { uid: first.json().trace.uid } })
  })

  it('GET, PATCH, revise, retire, replay, reparent and history answer with the namespace as ?namespace=', async () => {
    const app = build()
    const uid = (await add(app, { namespace: 'ns', content: 'v1' })).json().trace.uid
    const q = '?namespace=ns'
    expect((await app.inject({ url: `/v1/memory/traces/${uid}${q}` })).json().content).toBe('v1')
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/memory/traces/${uid}${q}`,
      payload: { content: 'v2' },
    })
    expect(patched.json()).toMatchObject({ event: 'UPDATE', trace: { version: 2, content: 'v2' } })
    const replayed = await app.inject({
      method: 'POST',
      url: `/v1/memory/traces/${uid}/replay${q}`,
      payload: { replay_id: 'r1' },
    })
    expect(replayed.json().trace.replay_count).toBe(1)
    const revised = await app.inject({
      method: 'POST',
      url: `/v1/memory/traces/${uid}/revise${q}`,
      payload: { content: 'v3' },
    })
    expect(revised.statusCode).toBe(201)
    const head = revised.json().trace.uid
    expect(revised.json().trace.parent).toBe(uid)
    const cycle = await app.inject({
      method: 'POST',
      url: `/v1/memory/traces/${uid}/reparent${q}`,
      payload: { parent: head },
    })
    expect([cycle.statusCode, cycle.json().error.code]).toEqual([409, 'trace_not_live'])
    const retired = await app.inject({
      method: 'POST',
      url: `/v1/memory/traces/${head}/retire${q}`,
      payload: { reason: 'done' },
    })
    expect(retired.json().trace).toMatchObject({ status: 'retired', retired_reason: 'done' })
    const replay = await app.inject({
      method: 'POST',
      url: `/v1/memory/traces/${head}/replay${q}`,
      payload: { replay_id: 'r2' },
    })
    expect([replay.statusCode, replay.json().error.code]).toEqual([409, 'trace_not_live'])
    const history = (await app.inject({ url: `/v1/memory/traces/${uid}/history${q}` })).json()
    expect(history).toMatchObject({ uid, status: 'superseded', head, lineage: [] })
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['ADD', 'UPDATE', 'REPLAY', 'REVISE'])
  })

  it('409 cycle_detected for a reparent into its own subtree', async () => {
    const app = build()
    const a = (await add(app, { namespace: 'ns', content: 'a' })).json().trace.uid
    const b = (await add(app, { namespace: 'ns', content: 'b', parent: a })).json().trace.uid
    const res = await app.inject({
      method: 'POST',
      url: `/v1/memory/traces/${a}/reparent?namespace=ns`,
      payload: { parent: b },
    })
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'cycle_detected'])
  })

  it('404 for an unknown uid and for a uid of another namespace, alike', async () => {
    const app = build()
    const uid = (await add(app, { namespace: 'team_a', content: 'secret' })).json().trace.uid
    const foreign = await app.inject({ url: `/v1/memory/traces/${uid}?namespace=team_b` })
    const unknown = await app.inject({ url: '/v1/memory/traces/tr_nope?namespace=team_a' })
    const noNamespace = await app.inject({ url: `/v1/memory/traces/${uid}` })
    for (const res of [foreign, unknown, noNamespace])
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'not_found'])
    expect(foreign.json().error.message).not.toContain('team_a')
  })

  it('lists by status a page at a time, and searches live heads', async () => {
    const app = build()
    for (const content of ['python in chicago', 'python in boston', 'java in chicago']) {
      await add(app, { namespace: 'ns', content, metadata: { city: content.split(' ').at(-1) as string } })
    }
    const page = (await app.inject({ url: '/v1/memory/traces?namespace=ns&limit=2' })).json()
    expect(page.traces).toHaveLength(2)
    const rest = (await app.inject({ url: `/v1/memory/traces?namespace=ns&limit=2&cursor=${page.next_cursor}` })).json()
    expect([rest.traces.length, rest.next_cursor]).toEqual([1, null])
    const retired = (await app.inject({ url: '/v1/memory/traces?namespace=ns&status=retired' })).json()
    expect(retired.traces).toEqual([])
    const search = await app.inject({
      method: 'POST',
      url: '/v1/memory/traces/search',
      payload: { namespace: 'ns', query: 'python', k: 5, filter: { city: 'chicago' } },
    })
    expect(search.json().hits.map((h: { trace: { content: string } }) => h.trace.content)).toEqual([
      'python in chicago',
      'java in chicago',
    ])
  })

  it('400 invalid_request for unknown fields and bad namespaces', async () => {
    const app = build()
    const unknown = await add(app, { namespace: 'ns', content: 'x', colour: 'red' })
    const badNs = await add(app, { namespace: 'Bad-NS', content: 'x' })
    for (const res of [unknown, badNs])
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'invalid_request'])
  })

  it('a read token may search and read but not write', async () => {
    const app = build(new MemoryStorage(), {
      token: TOKEN_ALL,
      tokens: [{ name: 'r', token: TOKEN_READ, scopes: ['read'] }],
    })
    const read = { authorization: `Bearer ${TOKEN_READ}` }
    const denied = await app.inject({
      method: 'POST',
      url: '/v1/memory/traces',
      headers: read,
      payload: { content: 'x' },
    })
    expect(denied.statusCode).toBe(403)
    const search = await app.inject({
      method: 'POST',
      url: '/v1/memory/traces/search',
      headers: read,
      payload: { query: 'x' },
    })
    expect(search.statusCode).toBe(200)
  })

  it('/ready names quarantined events while the rest of the namespace serves', async () => {
    const storage = new MemoryStorage()
    const app = build(storage)
    await add(app, { namespace: 'ns', content: 'one' })
    await add(app, { namespace: 'ns', content: 'two' })
    storage.seed('memory/ns/events/000000000001.json', '{"seq": 1, "torn')
    const reopened = build(storage)
    const listed = (await reopened.inject({ url: '/v1/memory/traces?namespace=ns' })).json()
    expect(listed.traces.map((t: { content: string }) => t.content)).toEqual(['two'])
    const ready = (await reopened.inject({ url: '/ready' })).json()
    expect(ready.checks.pathway).toEqual({
      ok: true,
      details: {
        namespaces_loaded: 1,
        quarantined: [
          { namespace: 'ns', seq: 1, key: 'memory/ns/events/000000000001.json', reason: 'does not parse as JSON' },
        ],
      },
    })
  })
})
