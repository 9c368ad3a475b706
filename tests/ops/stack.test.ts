import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '@lakehouse/shared/daemon-env.ts'
import type { Daemon } from '@lakehouse/shared/daemons.ts'
import { freePortBlock } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `just up` / `just down` as an operator runs them: scripts/stack.sh with a private run folder,
// private ports and the embedded defaults.
const ROOT = resolve(import.meta.dirname, '../..')
const DAEMONS = ['gateway', 'storaged', 'catalogd', 'ingestd', 'queryd', 'vectord', 'embedd', 'observerd']
let work: string
const env: Record<string, string> = {}

function stack(command: string, extra: Record<string, string> = {}) {
  return spawnSync('bash', ['scripts/stack.sh', command], {
    cwd: ROOT,
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 120_000,
  })
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lh-stack-'))
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
})
afterAll(() => {
  stack('down')
  rmSync(work, { recursive: true, force: true })
})

describe('stack up/down', () => {
  it('starts all eight daemons, prints the gateway URL, refuses twins, and stops exactly its pids', async () => {
    const up = stack('up', { LH_LOG_LEVEL_STORAGED: 'info' })
    expect(up.status, up.stderr).toBe(0)
    expect(up.stdout).toContain(`gateway http://127.0.0.1:${env.LH_PORTS_GATEWAY}`)
    for (const d of DAEMONS) {
      const res = await fetch(`http://127.0.0.1:${env.LH_PORTS_GATEWAY}/health/${d}`)
      expect(await res.text()).toBe(`${d} ok`)
    }
    const pids = DAEMONS.map((d) => Number(readFileSync(join(work, 'run/pids', `${d}.pid`), 'utf8')))

    // Each daemon runs with the environment and node flags its systemd unit sets (the memory flags of ADR-026,
    // ADR-030, ADR-032, ADR-036), not only under systemd and in the soak.
    DAEMONS.forEach((d, i) => {
      const environ = readFileSync(`/proc/${pids[i]}/environ`, 'utf8').split('\0')
      for (const [name, value] of Object.entries(DAEMON_ENV[d as Daemon] ?? {})) {
        expect(environ, `${d} ${name}`).toContain(`${name}=${value}`)
      }
      const argv = readFileSync(`/proc/${pids[i]}/cmdline`, 'utf8').split('\0')
      for (const flag of DAEMON_NODE_FLAGS[d as Daemon] ?? []) expect(argv, `${d} ${flag}`).toContain(flag)
    })

    // `just smoke-replication` against the running stack: every probe ok or "not available".
    const smoke = spawnSync('node', ['scripts/smoke-replication.ts'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(smoke.status, smoke.stdout + smoke.stderr).toBe(0)
    expect(smoke.stdout).toMatch(/^health observerd\s+ok /m)
    expect(smoke.stdout).toMatch(/^ingest \+ query\s+ok /m)
    expect(smoke.stdout).toMatch(/0 failed$/m)

    // LH_LOG_LEVEL_<DAEMON> reaches that daemon alone: storaged logs at info, the rest at warn.
    expect(readFileSync(join(work, 'run/logs/storaged.log'), 'utf8')).toContain('"level":30')
    expect(readFileSync(join(work, 'run/logs/gateway.log'), 'utf8')).not.toContain('"level":30')

    const twin = stack('up')
    expect(twin.status).toBe(1)
    expect(twin.stderr).toMatch(/already running/)
    expect(pids.every((pid) => isAlive(pid))).toBe(true)

    const down = stack('down')
    expect(down.status).toBe(0)
    expect(down.stdout).toContain('stopped 8 daemon(s)')
    expect(pids.some((pid) => isAlive(pid))).toBe(false)
    expect(existsSync(join(work, 'run/pids/gateway.pid'))).toBe(false)
  }, 120_000)
})

describe('stack up on ports another stack holds', () => {
  it('starts nothing and names the port and the process holding it', async () => {
    // A stand-in for another copy of the stack: it even answers /health like our gateway would.
    const other = createServer((_req, res) => res.end('gateway ok'))
    await new Promise<void>((done) => other.listen(Number(env.LH_PORTS_GATEWAY), '127.0.0.1', done))
    try {
      const up = stack('up')
      expect(up.status).toBe(1)
      expect(up.stdout).not.toContain('lakehouse is up')
      expect(up.stderr).toContain(`port ${env.LH_PORTS_GATEWAY} (gateway) is in use by pid ${process.pid} `)
      expect(up.stderr).toMatch(/nothing started/)
      expect(existsSync(join(work, 'run/pids/storaged.pid'))).toBe(false)
    } finally {
      await new Promise((done) => other.close(done))
    }
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
