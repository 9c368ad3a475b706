import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// observerd's wiring: health, readiness against its peers, and the shared error shape.
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function build(peers: Record<string, string> = {}) {
  const config = testConfig({ peers })
  const app = buildApp({ config })
  cleanups.push(() => app.close(), config.cleanup)
  return app
}

describe('observerd app', () => {
  it('answers /health as text/plain "observerd ok"', async () => {
    const res = await (await build()).inject({ url: '/health' })
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.body).toBe('observerd ok')
  })

  it('is not ready while its peers are down, naming each', async () => {
    const down = `http://127.0.0.1:${await freePort()}`
    const app = await build({ storaged: down, catalogd: down, queryd: down, embedd: down, vectord: down })
    const res = await app.inject({ url: '/ready' })
    expect(res.statusCode).toBe(503)
    const { pathway, ...peers } = res.json().checks
    expect(Object.values(peers).every((c) => (c as { ok: boolean }).ok === false)).toBe(true)
    expect(Object.keys(peers).sort()).toEqual(['catalogd', 'embedd', 'queryd', 'storaged', 'vectord'])
    expect(pathway).toEqual({ ok: true, details: { namespaces_loaded: 0, quarantined: [] } })
  })

  it('answers routes it does not have with 404 not_found', async () => {
    const res = await (await build()).inject({ method: 'POST', url: '/v1/anything', payload: {} })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not_found')
  })
})
