import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DAEMONS, type Daemon } from '@lakehouse/shared/daemons.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'

// The soak's private stack: all eight daemons on the embedded defaults (fs storage, hashing
// embedder), each a child process on port 0 over one fresh temp folder, started through the shared
// test helper; the gateway last, pointed at the others. No lakehouse.toml or secrets.toml of the
// working copy is read: an empty config and a secrets file of our own, with an admin token and
// one write token per client (the gateway rate-limits per token, as it would eight agents).

export interface SoakStack {
  gatewayUrl: string
  /** The process id of every daemon, for /proc/<pid>/status. */
  pids: Record<string, number>
  /** Each daemon's own base URL (for /metrics over loopback). */
  urls: Record<string, string>
  adminToken: string
  clientTokens: string[]
  /** Each daemon's warn/error log lines so far (the stack runs at LH_LOG_LEVEL=warn). */
  logs: () => Record<string, string>
  stop: () => Promise<void>
}

const token = () => randomBytes(16).toString('hex')

/**
 * `LH_SOAK_ENV_<DAEMON>="K=V K2=V2"`: extra environment for one daemon of the soak's stack, over the
 * stack's own (DAEMON_ENV), to measure a variant (an allocator setting, a V8 flag) without editing
 * code between runs (ADR-030).
 */
export function soakEnvOf(env: NodeJS.ProcessEnv): Partial<Record<Daemon, Record<string, string>>> {
  const out: Partial<Record<Daemon, Record<string, string>>> = {}
  for (const daemon of DAEMONS) {
    const spec = env[`LH_SOAK_ENV_${daemon.toUpperCase()}`]?.trim()
    if (!spec) continue
    out[daemon] = Object.fromEntries(
      spec.split(/\s+/).map((pair) => {
        const eq = pair.indexOf('=')
        if (eq <= 0) throw new Error(`LH_SOAK_ENV_${daemon.toUpperCase()}: "${pair}" is not KEY=VALUE`)
        return [pair.slice(0, eq), pair.slice(eq + 1)]
      }),
    )
  }
  return out
}

export async function startSoakStack(clients: number): Promise<SoakStack> {
  const configDir = mkdtempSync(join(tmpdir(), 'lh-soak-config-'))
  const adminToken = token()
  const clientTokens = Array.from({ length: clients }, token)
  const config = join(configDir, 'lakehouse.toml')
  const secrets = join(configDir, 'secrets.toml')
  writeFileSync(config, '')
  writeFileSync(
    secrets,
    `[auth]\ntoken = "${adminToken}"\n` +
      clientTokens
        .map((t, i) => `[[auth.tokens]]\nname = "client${i}"\ntoken = "${t}"\nscopes = ["read", "write"]\n`)
        .join(''),
  )
  chmodSync(config, 0o600)
  chmodSync(secrets, 0o600)
  const env = { LH_CONFIG: config, LH_SECRETS: secrets }
  const { gateway: gatewayEnv, ...envOf } = soakEnvOf(process.env)
  let stack: Stack | undefined
  let gateway: DaemonProcess | undefined
  const stop = async () => {
    await gateway?.stop('SIGKILL')
    await stack?.stop()
    rmSync(configDir, { recursive: true, force: true })
  }
  try {
    stack = await startStack({ more: ['ingestd', 'queryd', 'embedd', 'vectord', 'observerd'], env, envOf })
    gateway = await startDaemon('gateway', {
      env: { LH_PATHS_DATA_DIR: stack.dataDir, ...env, ...stack.peers, ...gatewayEnv },
    })
  } catch (err) {
    await stop()
    throw err
  }
  const processes: Record<string, DaemonProcess> = { gateway }
  for (const [name, child] of Object.entries(stack.daemons)) if (child) processes[name] = child
  return {
    gatewayUrl: gateway.url,
    urls: Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.url])),
    pids: Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.child.pid as number])),
    adminToken,
    clientTokens,
    logs: () => Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.output()])),
    stop,
  }
}
