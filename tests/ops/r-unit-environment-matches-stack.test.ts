import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '@lakehouse/shared/daemon-env.ts'
import { DAEMONS } from '@lakehouse/shared/daemons.ts'
import { describe, expect, it } from 'vitest'

// The memory flags measured under the soak (ADR-026, ADR-030) reach operators only through the
// systemd units' `Environment=` lines, and the soak and the tests only through startDaemon's DAEMON_ENV:
// the two must say the same, or the soak measures something operators do not run.
const ROOT = resolve(import.meta.dirname, '../..')

/** A unit's `Environment=K=V` lines, without HOME (the service user's, not a tuning). */
function unitEnvironment(daemon: string): Record<string, string> {
  const unit = readFileSync(resolve(ROOT, `deploy/systemd/lakehouse-${daemon}.service`), 'utf8')
  const env: Record<string, string> = {}
  for (const [, key, value] of unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)) {
    if (key !== undefined && key !== 'HOME') env[key] = value ?? ''
  }
  return env
}

/** The flags between node and main.ts on a unit's ExecStart line. */
function unitNodeFlags(daemon: string): string[] {
  const unit = readFileSync(resolve(ROOT, `deploy/systemd/lakehouse-${daemon}.service`), 'utf8')
  const exec = /^ExecStart=\S+\/node((?: --\S+)*) \S+\/main\.ts$/m.exec(unit)
  if (!exec) throw new Error(`no node ExecStart in lakehouse-${daemon}.service`)
  return (exec[1] ?? '').split(' ').filter((flag) => flag !== '')
}

describe('systemd units and the test/soak stack', () => {
  it.each(DAEMONS)('%s: the unit sets exactly the environment the stack launcher sets', (daemon) => {
    const stack = DAEMON_ENV[daemon] ?? {}
    expect(unitEnvironment(daemon)).toEqual(stack)
  })

  it.each(DAEMONS)('%s: the unit passes node exactly the flags the stack launcher passes', (daemon) => {
    expect(unitNodeFlags(daemon)).toEqual(DAEMON_NODE_FLAGS[daemon] ?? [])
  })
})
