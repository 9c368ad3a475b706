import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Creating a review or sealing a playbook needs `write`; reading a review needs only `read` — as the
// contracts declare, whichever mechanism enforces it (today packages/shared/src/scopes.ts by path).

const READER = 'reader-token-0123456789abcdef'
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function reader() {
  // Peers on a port nobody listens on: no request of this test may reach a real daemon.
  const down = `http://127.0.0.1:${await freePort()}`
  const peers = { storaged: down, catalogd: down, queryd: down, embedd: down, vectord: down }
  const config = testConfig({ peers, auth: { tokens: [{ name: 'reader', token: READER, scopes: ['read'] }] } })
  const app = buildApp({ config })
  cleanups.push(() => app.close(), config.cleanup)
  return (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${READER}` }, ...(payload ? { payload } : {}) })
}

describe('observer and playbook scopes', () => {
  it('a read-only token cannot create a review or seal a playbook (403)', async () => {
    const as = await reader()
    const review = await as('POST', '/v1/observer/reviews', {
      claim: 'x',
      check: { sql: 'SELECT 1', expect: { op: 'eq', value: 1 } },
    })
    expect(review.statusCode).toBe(403)
    const seal = await as('POST', '/v1/memory/playbooks', { task: 't', steps: [{}], review_id: 'rv-x' })
    expect(seal.statusCode).toBe(403)
  })

  it('a read-only token may read a review (404 for an unknown one, not 403)', async () => {
    const res = await (await reader())('GET', '/v1/observer/reviews/rv-00000000-0000-0000-0000-000000000000')
    expect(res.statusCode).not.toBe(403)
    expect(res.statusCode).not.toBe(401)
  })
})
