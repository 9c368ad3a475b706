// `just smoke-replication`: the validation steps of REPLICATION.md against whatever stack is
// running (under systemd or `./lh up`), through its gateway, then a summary table. A probe whose
// API this build does not have yet (the gateway answers "no route") is "not available", never a
// pass; any other failure fails the run. Leaves nothing behind: the probe dataset and index are
// deleted. Gateway: LH_GATEWAY_URL, else server.host + ports.gateway of the configuration (with
// --env-file FILE, the one a systemd service loads). Token: LH_SMOKE_TOKEN, else [auth] token.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { DAEMONS, loadConfig } from '@lakehouse/shared'
import { readEnvFile } from './doctor/env-file.ts'
import { NotAvailable, type Probe, probes } from './smoke-replication/probes.ts'

const ROOT = resolve(import.meta.dirname, '..')

function target(): { gateway: string; token: string } {
  const at = process.argv.indexOf('--env-file')
  let env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^LH_LOG_LEVEL_[A-Z]+$/.test(k)))
  let cwd = process.cwd()
  if (at >= 0) {
    env = { ...Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('LH_'))) }
    Object.assign(env, readEnvFile(process.argv[at + 1] ?? ''))
    cwd = '/var/lib/lakehouse'
  }
  const config = loadConfig({ cwd, env })
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host
  return {
    gateway: process.env.LH_GATEWAY_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.ports.gateway}`,
    token: process.env.LH_SMOKE_TOKEN ?? config.auth.token,
  }
}

/** The agent-loop smoke belongs to another issue; it runs here as soon as its script exists. */
function agentLoopProbe(gateway: string, token: string): Probe {
  return {
    name: 'agent loop',
    run: async () => {
      const script = readdirSync(resolve(ROOT, 'scripts/smoke')).find((f) => /^agent.*_smoke\.sh$/.test(f))
      if (!script) throw new NotAvailable('no scripts/smoke/agent*_smoke.sh in this build')
      const result = spawnSync('bash', [resolve(ROOT, 'scripts/smoke', script)], {
        env: { ...process.env, LH_GATEWAY_URL: gateway, ...(token ? { LH_SMOKE_TOKEN: token } : {}) },
        encoding: 'utf8',
      })
      if (result.status !== 0)
        throw new Error(`${script} failed: ${(result.stderr || result.stdout).trim().split('\n').at(-1)}`)
      return `${script} passed`
    },
  }
}

async function main(): Promise<void> {
  const { gateway, token } = target()
  process.stdout.write(`smoke-replication: against ${gateway}${token ? ' (with a bearer token)' : ''}\n`)
  const rows: Array<{ probe: string; result: string; detail: string; ms: number }> = []
  for (const probe of [...probes(gateway, token, DAEMONS), agentLoopProbe(gateway, token)]) {
    const started = performance.now()
    let result = 'ok'
    let detail: string
    try {
      detail = await probe.run()
    } catch (err) {
      result = err instanceof NotAvailable ? 'not available' : 'FAILED'
      detail = (err as Error).message
    }
    rows.push({ probe: probe.name, result, detail, ms: Math.round(performance.now() - started) })
  }
  const width = Math.max(...rows.map((r) => r.probe.length))
  process.stdout.write(`\n${'probe'.padEnd(width)}  result         ms  detail\n`)
  for (const r of rows) {
    process.stdout.write(`${r.probe.padEnd(width)}  ${r.result.padEnd(13)} ${String(r.ms).padStart(4)}  ${r.detail}\n`)
  }
  const failed = rows.filter((r) => r.result === 'FAILED').length
  const missing = rows.filter((r) => r.result === 'not available').length
  process.stdout.write(
    `\nsmoke-replication: ${rows.length - failed - missing} ok, ${missing} not available, ${failed} failed\n`,
  )
  if (existsSync('/etc/systemd/system/lakehouse.target') && failed > 0) {
    process.stdout.write('under systemd: journalctl -u "lakehouse-*" -n 50 --no-pager shows why\n')
  }
  process.exitCode = failed > 0 ? 1 : 0
}

await main()
