import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DAEMONS, type Daemon } from '@lakehouse/shared'
import { freePortBlock } from '@lakehouse/shared/testing/daemon-process.ts'

// A private host for `just doctor` tests: its own lakehouse.toml, secrets.toml, data folder, free
// ports and systemd unit folder, so nothing of this checkout or this machine's stacks leaks in.

const ROOT = resolve(import.meta.dirname, '../..')

export interface Host {
  dir: string
  configFile: string
  secretsFile: string
  unitDir: string
  ports: Record<Daemon, number>
  env: Record<string, string>
  cleanup: () => void
}

export interface Report {
  ok: boolean
  exitCode: number | null
  checks: Array<{ name: string; status: string; detail: string; fix: string }>
}

export async function host(config = ''): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), 'lh-doctor-host-'))
  const configFile = join(dir, 'lakehouse.toml')
  const secretsFile = join(dir, 'secrets.toml')
  const unitDir = join(dir, 'units')
  mkdirSync(unitDir)
  writeFileSync(configFile, config)
  writeFileSync(secretsFile, '')
  chmodSync(secretsFile, 0o600)
  const ports = {} as Record<Daemon, number>
  const base = await freePortBlock(DAEMONS.length)
  DAEMONS.forEach((d, i) => {
    ports[d] = base + i
  })
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LH_')) env[k] = v
  Object.assign(env, {
    LH_CONFIG: configFile,
    LH_SECRETS: secretsFile,
    LH_PATHS_DATA_DIR: join(dir, 'data'),
    LH_TEST_SYSTEMD_UNIT_DIR: unitDir,
  })
  for (const d of DAEMONS) env[`LH_PORTS_${d.toUpperCase()}`] = String(ports[d])
  return {
    dir,
    configFile,
    secretsFile,
    unitDir,
    ports,
    env,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Runs `scripts/doctor.sh --json`; asynchronously, so fakes served by the test process can answer. */
export async function doctor(h: Host, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<Report> {
  const child = spawn(join(ROOT, 'scripts/doctor.sh'), ['--json', ...args], { env: { ...h.env, ...extraEnv } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d
  })
  const [exitCode] = (await once(child, 'close')) as [number | null]
  try {
    return { ...(JSON.parse(stdout) as Omit<Report, 'exitCode'>), exitCode }
  } catch {
    throw new Error(`doctor printed no JSON (exit ${exitCode}): ${stdout}\n${stderr}`)
  }
}

export function checkOf(report: Report, name: string): Report['checks'][number] {
  const check = report.checks.find((c) => c.name === name)
  if (!check) throw new Error(`no check ${name} in ${report.checks.map((c) => c.name).join(', ')}`)
  return check
}
