import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// LH_OBSERVER_FAIL_OPEN=1 (ADR-015): development only. On loopback it turns a blind review into
// accept, still marked degraded; on any other bind observerd refuses to start at all.

const TOKEN = 'fail-open-test-token-0123456789'
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const CLAIM = { claim: 'one is one', check: { sql: 'SELECT 1', expect: { op: 'eq', value: 1 } } }

describe('observer fail-open', () => {
  it('is refused at start on a non-loopback bind (exit 2, naming the variable)', async () => {
    // A host name that resolves nowhere: if the refusal were missing, listen would fail with exit 1
    // instead, and nothing is ever bound beyond loopback by this test.
    const start = startDaemon('observerd', {
      env: { LH_SERVER_HOST: 'observer.invalid', LH_AUTH_TOKEN: TOKEN, LH_OBSERVER_FAIL_OPEN: '1' },
    })
    await expect(start).rejects.toThrow(/exited with code 2[\s\S]*LH_OBSERVER_FAIL_OPEN=1/)
  })

  it('buildApp refuses it beyond loopback, even with LH_ALLOW_NONLOOPBACK', () => {
    const config = testConfig({
      server: { host: '10.1.2.3', allow_nonloopback: true },
      auth: { token: TOKEN },
      observer: { fail_open: true },
    })
    cleanups.push(config.cleanup)
    expect(() => buildApp({ config })).toThrow(/LH_OBSERVER_FAIL_OPEN=1/)
  })

  it('on loopback, turns a blind review into accept that stays degraded', async () => {
    const down = `http://127.0.0.1:${await freePort()}`
    const config = testConfig({ observer: { fail_open: true }, peers: { queryd: down, catalogd: down } })
    cleanups.push(config.cleanup)
    const storage = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: config.paths.data_dir } })
    cleanups.push(() => storage.stop())
    config.peers.storaged = storage.url
    const app = buildApp({ config })
    cleanups.push(() => app.close())
    const res = await app.inject({ method: 'POST', url: '/v1/observer/reviews', payload: CLAIM })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ verdict: 'accept', degraded: true, fail_open: true })
  })
})
