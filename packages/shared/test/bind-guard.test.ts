import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkBind } from '../src/bind-guard.ts'
import { testConfig } from '../src/testing/config.ts'
import { type DaemonProcess, freePort, startDaemon } from '../src/testing/daemon-process.ts'

// The guard runs in a real daemon process: exit code, stderr and the listening socket are the
// behaviour an operator sees.
const TOKEN = 'bind-guard-token-0123456789'
const MAIN = resolve(import.meta.dirname, '../../../apps/vectord/src/main.ts')
const running: DaemonProcess[] = []
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop()
})

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LH_')) env[k] = v
  return { ...env, LH_CONFIG: '/dev/null', ...extra }
}

describe('bind guard', () => {
  it('exits non-zero with a clear message on 0.0.0.0 without a token', async () => {
    const port = await freePort()
    const result = spawnSync(process.execPath, [MAIN], {
      env: cleanEnv({ LH_SERVER_HOST: '0.0.0.0', LH_PORTS_VECTORD: String(port) }),
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without a token')
  })

  it('starts on 0.0.0.0 with a token, and then answers a request without it with 401', async () => {
    const daemon = await startDaemon('vectord', { env: cleanEnv({ LH_SERVER_HOST: '0.0.0.0', LH_AUTH_TOKEN: TOKEN }) })
    running.push(daemon)
    expect((await fetch(`${daemon.url}/ready`)).status).toBe(401)
    const ok = await fetch(`${daemon.url}/health`)
    expect(await ok.text()).toBe('vectord ok')
  })

  it('starts without a token under LH_ALLOW_NONLOOPBACK=1, with a loud warning', async () => {
    const daemon = await startDaemon('vectord', {
      env: cleanEnv({ LH_SERVER_HOST: '0.0.0.0', LH_ALLOW_NONLOOPBACK: '1' }),
    })
    running.push(daemon)
    expect(daemon.output()).toMatch(/WARNING: LH_ALLOW_NONLOOPBACK=1: listening on 0\.0\.0\.0 WITHOUT AUTHENTICATION/)
  })

  it('treats loopback binds as safe without a token', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) {
      const config = testConfig({ server: { host } })
      expect(checkBind(config)).toEqual({ ok: true })
      config.cleanup()
    }
    const exposed = testConfig({ server: { host: '::' } })
    expect(checkBind(exposed).ok).toBe(false)
    exposed.cleanup()
  })
})
