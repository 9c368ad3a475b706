import { rename, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { checkBind } from './bind-guard.ts'
import { ConfigError, loadConfig } from './config/load.ts'
import type { Config } from './config/schema.ts'
import type { Daemon } from './daemons.ts'

// What every daemon's main.ts does: load the configuration, refuse an unsafe bind, build the app,
// listen, and on SIGTERM/SIGINT stop accepting, drain in-flight requests and close, within
// server.shutdown_timeout_ms (or the daemon's own budget, when its close does long work such as
// vectord's SIGTERM snapshot). Exit code 2 means "will not start as configured".

export interface RunDaemonOptions {
  /** The shutdown budget when it is not server.shutdown_timeout_ms. */
  shutdownTimeoutMs?: (config: Config) => number
}

export async function runDaemon(
  service: Daemon,
  build: (config: Config) => Promise<FastifyInstance> | FastifyInstance,
  options: RunDaemonOptions = {},
): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : String(err)
    process.stderr.write(`${service}: configuration error: ${message}\n`)
    process.exit(2)
  }
  const bind = checkBind(config)
  if (!bind.ok) {
    process.stderr.write(`${service}: ${bind.message}\n`)
    process.exit(2)
  }
  let app: FastifyInstance
  try {
    app = await build(config)
  } catch (err) {
    // A daemon that cannot be built as configured (an unknown model, an unreachable S3 endpoint
    // that must be probed) says why in one line; the stack trace is not for operators.
    process.stderr.write(`${service}: cannot start: ${(err as Error).message}\n`)
    process.exit(2)
  }
  if (bind.warning) {
    app.log.warn(bind.warning)
    process.stderr.write(`\n*** ${service}: WARNING: ${bind.warning} ***\n\n`)
  }
  const shutdownTimeoutMs = options.shutdownTimeoutMs?.(config) ?? config.server.shutdown_timeout_ms
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal, timeout_ms: shutdownTimeoutMs }, 'shutting down')
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out; exiting with requests still in flight')
      process.exit(1)
    }, shutdownTimeoutMs)
    timer.unref()
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'error during shutdown')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // An error nobody caught is one fatal JSON line (the stack inside it), not Node's multi-line
  // dump that journald would split into unrelated entries; systemd then restarts the daemon.
  const crash = (what: string) => (err: unknown) => {
    app.log.fatal({ err }, `${what}; exiting`)
    process.exit(1)
  }
  process.on('uncaughtException', crash('uncaught exception'))
  process.on('unhandledRejection', crash('unhandled rejection'))
  try {
    await app.listen({ host: config.server.host, port: config.ports[service] })
    await reportPort(app)
  } catch (err) {
    process.stderr.write(
      `${service}: cannot listen on ${config.server.host}:${config.ports[service]}: ${(err as Error).message}\n`,
    )
    process.exit(1)
  }
}

/** A parent that started us on port 0 (tests, benches) learns the bound port from this file,
 * written whole (rename) so that it never reads half a number. */
async function reportPort(app: FastifyInstance): Promise<void> {
  const file = process.env.LH_TEST_PORT_FILE
  if (!file) return
  const port = (app.server.address() as AddressInfo).port
  await writeFile(`${file}.tmp`, String(port))
  await rename(`${file}.tmp`, file)
}
