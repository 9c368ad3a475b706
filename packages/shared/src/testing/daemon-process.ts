import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../daemon-env.ts'
import type { Daemon } from '../daemons.ts'

// Tests only: runs a real daemon as a child process (its main.ts under this Node) on port 0, reads
// the port it bound from the file run-daemon writes (LH_TEST_PORT_FILE), and waits until its
// /health answers: no port is picked, closed and hoped to stay free. This is how a daemon's tests talk to the peers it needs
// (apps never import each other) and how crash tests kill -9 one mid-request.

const REPO_ROOT = resolve(import.meta.dirname, '../../../..')

export interface DaemonProcess {
  daemon: Daemon
  url: string
  port: number
  child: ChildProcess
  /** stderr and stdout so far, for assertions and for failure messages. */
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** A port nothing listens on right now: only for tests of a refused connection or a refused start. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** Ports below the kernel's ephemeral range (Linux: 32768 and up), where no port-0 listener lands. */
const BLOCK_RANGE = { from: 20_000, to: 32_000 }

async function isPortFree(port: number): Promise<boolean> {
  const server = createServer()
  server.listen(port, '127.0.0.1')
  try {
    await once(server, 'listening')
    return true
  } catch {
    return false
  } finally {
    server.close()
  }
}

/**
 * The first of `count` consecutive free ports, for a stack that must be given fixed ports (`./lh up`,
 * the smoke chain) rather than binding port 0. The block is taken below the ephemeral range: a port
 * that freePort() found free there can be handed a moment later to any parallel test's port-0
 * listener or outgoing connection, which made such stacks fail with EADDRINUSE under load.
 */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = BLOCK_RANGE.from + Math.floor(Math.random() * (BLOCK_RANGE.to - BLOCK_RANGE.from - count))
    let isFree = true
    for (let port = base; port < base + count && isFree; port++) isFree = await isPortFree(port)
    if (isFree) return base
  }
  throw new Error(`no block of ${count} free ports in ${BLOCK_RANGE.from}-${BLOCK_RANGE.to}`)
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface StartDaemonOptions {
  /** Extra environment, e.g. LH_PATHS_DATA_DIR, LH_PEERS_STORAGED. LH_PORTS_<DAEMON> is set here. */
  env?: Record<string, string>
  cwd?: string
  /** A fixed port, e.g. to restart a daemon where its peers expect it; 0 (the OS picks) by default. */
  port?: number
}

export async function startDaemon(daemon: Daemon, options: StartDaemonOptions = {}): Promise<DaemonProcess> {
  const portDir = mkdtempSync(join(tmpdir(), 'lh-port-'))
  const portFile = join(portDir, 'port')
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LH_')) env[k] = v
  Object.assign(env, { LH_LOG_LEVEL: 'warn' }, DAEMON_ENV[daemon], options.env, {
    [`LH_PORTS_${daemon.toUpperCase()}`]: String(options.port ?? 0),
    LH_TEST_PORT_FILE: portFile,
  })
  const main = resolve(REPO_ROOT, `apps/${daemon}/src/main.ts`)
  const child = spawn(process.execPath, [...(DAEMON_NODE_FLAGS[daemon] ?? []), main], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    child.kill(signal)
    const [code] = await exited
    return code as number | null
  }
  let port = 0
  const boundPort = () => {
    port = Number(readFileSync(portFile, 'utf8'))
    return port > 0
  }
  try {
    await Promise.race([
      (async () => {
        await waitFor(async () => boundPort(), `${daemon} to report its port`, 30_000)
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, `${daemon} /health`, 30_000)
      })(),
      exited.then(([code]) => {
        throw new Error(`exited with code ${code}`)
      }),
    ])
  } catch (err) {
    await stop('SIGKILL')
    throw new Error(`${daemon} did not start: ${(err as Error).message}\n${output}`)
  } finally {
    rmSync(portDir, { recursive: true, force: true })
  }
  return { daemon, url: `http://127.0.0.1:${port}`, port, child, output: () => output, stop }
}
