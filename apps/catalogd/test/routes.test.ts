import type { App } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { SCHEMA } from './fixtures.ts'
import { type Storaged, startStoraged, uploadFiles } from './stack.ts'

// catalogd's HTTP surface through app.inject, over a real storaged child process.

let storaged: Storaged
let app: App
let config: ReturnType<typeof testConfig>

beforeAll(async () => {
  storaged = await startStoraged()
  config = testConfig({ peers: { storaged: storaged.url('storaged') }, catalog: { vacuum_grace_ms: 0 } })
  app = buildApp({ config })
})

afterAll(async () => {
  await app?.close()
  await storaged?.stop()
  config?.cleanup()
})

const commit = (name: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/v1/catalog/datasets/${name}/commits`, payload: body as object })

describe('catalogd routes', () => {
  it('registers every catalog route', () => {
    const routes: Array<[string, string]> = [
      ['GET', '/v1/catalog/datasets'],
      ['GET', '/v1/catalog/generation'],
      ['GET', '/v1/catalog/datasets/:name'],
      ['GET', '/v1/catalog/datasets/:name/versions'],
      ['POST', '/v1/catalog/datasets/:name/commits'],
      ['DELETE', '/v1/catalog/datasets/:name'],
      ['POST', '/v1/catalog/vacuum'],
    ]
    for (const [method, url] of routes) expect(app.hasRoute({ method, url }), `${method} ${url}`).toBe(true)
  })

  it('is ready when storaged answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/ready' })
    expect(res.statusCode).toBe(200)
    expect(res.json().checks.storaged).toEqual({ ok: true })
  })

  it('answers 413 payload_too_large past the body cap', async () => {
    const files = Array.from({ length: 20_000 }, (_, i) => ({
      key: `datasets/big/data/${i}.parquet`,
      rows: 1,
      bytes: 1,
    }))
    const res = await commit('big', { operation: 'create', schema: SCHEMA, files })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('payload_too_large')
  })

  it('rejects an unknown field with 400 invalid_request naming it', async () => {
    const res = await commit('people', { operation: 'create', schema: SCHEMA, files: [], extra: 1 })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
    expect(res.json().error.message).toContain('extra')
  })

  it('rejects a name outside the DESIGN rule with 400 invalid_name', async () => {
    for (const name of ['Bad', '1abc', 'x'.repeat(64), 'a-b', encodeURIComponent("x'; DROP TABLE y; --")]) {
      const res = await app.inject({ method: 'GET', url: `/v1/catalog/datasets/${name}` })
      expect(res.json().error.code, name).toBe('invalid_name')
      expect(res.statusCode).toBe(400)
    }
    expect((await commit('Bad', { operation: 'create', schema: SCHEMA, files: [] })).json().error.code).toBe(
      'invalid_name',
    )
  })

  it('happy path: create, append, time travel, versions, list, delete, vacuum', async () => {
    const [a, b] = await uploadFiles(storaged.storage, 'people', ['a', 'b'])
    const created = await commit('people', { operation: 'create', schema: SCHEMA, files: [a] })
    expect(created.statusCode).toBe(201)
    expect(created.json<Manifest>()).toMatchObject({ name: 'people', version: 1, row_count: 1 })
    const generation0 = (await app.inject({ method: 'GET', url: '/v1/catalog/generation' })).json().generation

    const appended = await commit('people', { operation: 'append', schema: SCHEMA, files: [b] })
    expect(appended.json<Manifest>()).toMatchObject({ version: 2, row_count: 2 })

    const stale = await commit('people', { operation: 'replace', expected_version: 1, schema: SCHEMA, files: [] })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error.code).toBe('version_conflict')
    const again = await commit('people', { operation: 'create', schema: SCHEMA, files: [] })
    expect(again.json().error.code).toBe('already_exists')

    const v1 = await app.inject({ method: 'GET', url: '/v1/catalog/datasets/people?version=1' })
    expect(v1.json<Manifest>().files).toEqual([a])
    const latest = await app.inject({ method: 'GET', url: '/v1/catalog/datasets/people' })
    expect(latest.json<Manifest>().version).toBe(2)
    const absent = await app.inject({ method: 'GET', url: '/v1/catalog/datasets/people?version=9' })
    expect(absent.statusCode).toBe(404)

    const versions = await app.inject({ method: 'GET', url: '/v1/catalog/datasets/people/versions' })
    expect(versions.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2])

    const list = await app.inject({ method: 'GET', url: '/v1/catalog/datasets' })
    expect(list.json().datasets.map((d: Manifest) => d.name)).toContain('people')
    expect(list.json().generation).toBe(generation0 + 1)

    const deleted = await app.inject({ method: 'DELETE', url: '/v1/catalog/datasets/people' })
    expect(deleted.json<Manifest>()).toMatchObject({ version: 3, deleted: true })
    expect((await app.inject({ method: 'GET', url: '/v1/catalog/datasets/people' })).statusCode).toBe(404)

    await uploadFiles(storaged.storage, 'people', ['orphan'])
    const vacuumed = await app.inject({ method: 'POST', url: '/v1/catalog/vacuum', payload: {} })
    expect(vacuumed.statusCode).toBe(200)
    // Grace 0: the deleted dataset's files go with the orphan (ADR-020); its history still reads.
    expect(vacuumed.json().deleted).toEqual([a!.key, b!.key, 'datasets/people/data/orphan.parquet'])
    const bare = await app.inject({ method: 'POST', url: '/v1/catalog/vacuum' })
    expect(bare.json()).toEqual({ deleted: [], kept: 0 })
    const history = await app.inject({ method: 'GET', url: '/v1/catalog/datasets/people?version=2' })
    expect(history.json<Manifest>().files).toEqual([a, b])
  })

  it('refuses a commit of a data file that was never uploaded', async () => {
    const ghost = { key: 'datasets/ghosts/data/none.parquet', rows: 1, bytes: 1 }
    const res = await commit('ghosts', { operation: 'create', schema: SCHEMA, files: [ghost] })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain('does not exist')
  })
})
