import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePortBlock } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Regression (issue 13 item 6): the upstream system crash-looped when a supervisor JSON-parsed a
// text/plain health body. Every daemon's /health, asked through the gateway of a whole stack started
// as an operator starts it, is text/plain `<daemon> ok`, and never JSON.

const ROOT = resolve(import.meta.dirname, '../..')
const DAEMONS = ['gateway', 'storaged', 'catalogd', 'ingestd', 'queryd', 'vectord', 'embedd', 'observerd']
let work: string
let gateway: string
const env: Record<string, string> = {}

function stack(command: string) {
  return spawnSync('bash', ['scripts/stack.sh', command], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 })
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lh-health-'))
  writeFileSync(join(work, 'empty.toml'), '')
  chmodSync(join(work, 'empty.toml'), 0o600)
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LH_')) env[k] = v
  Object.assign(env, {
    LH_CONFIG: join(work, 'empty.toml'),
    LH_SECRETS: join(work, 'empty.toml'),
    LH_PATHS_DATA_DIR: join(work, 'data'),
    LH_RUN_DIR: join(work, 'run'),
    LH_LOG_LEVEL: 'warn',
  })
  const base = await freePortBlock(DAEMONS.length)
  DAEMONS.forEach((d, i) => {
    env[`LH_PORTS_${d.toUpperCase()}`] = String(base + i)
  })
  gateway = `http://127.0.0.1:${env.LH_PORTS_GATEWAY}`
  const up = stack('up')
  if (up.status !== 0) throw new Error(`the stack did not start: ${up.stderr}`)
}, 120_000)
afterAll(() => {
  stack('down')
  rmSync(work, { recursive: true, force: true })
})

describe('health is text/plain, never JSON', () => {
  it.each(DAEMONS)('%s answers /health through the gateway as text/plain "<daemon> ok"', async (daemon) => {
    const res = await fetch(`${gateway}/health/${daemon}`)
    const body = await res.text()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(body).toBe(`${daemon} ok`)
    expect(isJson(body), `${daemon} answered JSON: ${body}`).toBe(false)
  })

  it("the gateway's own /health is text/plain too", async () => {
    const res = await fetch(`${gateway}/health`)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await res.text()).toBe('gateway ok')
  })
})
