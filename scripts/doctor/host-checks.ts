import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type Config, DAEMONS } from '@lakehouse/shared'
import { type Check, failed, ok, skipped } from './report.ts'

// What the host gives the daemons: a writable data folder with room, their ports, and systemd
// when its units are installed.

const MIN_FREE_BYTES = 1024 ** 3
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`

export function checkDataDir(config: Config, serviceUser?: string): Check {
  const dir = config.paths.data_dir
  let existing = dir
  while (!existsSync(existing)) existing = dirname(existing)
  if (!statSync(existing).isDirectory()) {
    return failed(
      'data-dir',
      `${existing} is not a folder, so ${dir} cannot be created`,
      `set [paths] data_dir to a folder (or LH_PATHS_DATA_DIR)`,
    )
  }
  try {
    if (existing === dir) {
      // Writable means a file can be made there, which access(2) does not prove on every mount.
      rmSync(mkdtempSync(join(dir, '.lh-doctor-')), { recursive: true })
    } else {
      accessSync(existing, constants.W_OK)
    }
  } catch (err) {
    return failed(
      'data-dir',
      `${existing === dir ? dir : `${existing} (to create ${dir})`} is not writable: ${(err as NodeJS.ErrnoException).code}`,
      `mkdir -p ${dir} && chown ${serviceUser ?? '"$(id -un)"'} ${dir}`,
    )
  }
  if (serviceUser && existing === dir) {
    const uid = spawnSync('id', ['-u', serviceUser], { encoding: 'utf8' }).stdout.trim()
    if (uid !== String(statSync(dir).uid)) {
      return failed(
        'data-dir',
        `${dir} is not owned by ${serviceUser}, the user the services run as`,
        `chown -R ${serviceUser}:${serviceUser} ${dir}`,
      )
    }
  }
  const fs = statfsSync(existing)
  const free = fs.bavail * fs.bsize
  const where = existing === dir ? dir : `${dir} (will be created; ${existing} is writable)`
  return free >= MIN_FREE_BYTES
    ? ok('data-dir', `${where}, ${gib(free)} free`)
    : failed(
        'data-dir',
        `${where}: only ${gib(free)} free (under 1 GiB)`,
        `free space on the file system of ${existing}, or set [paths] data_dir to a larger one`,
      )
}

/** "<pid> <command line>" of whoever listens on the port, by the same helper `just up` uses. */
function portHolder(root: string, port: number): { holder?: string; unknown?: string } {
  const out = spawnSync('bash', ['-c', `source "${root}/scripts/lib/ports.sh" && port_holder ${port}`], {
    encoding: 'utf8',
  })
  if (out.status === 0) return { holder: out.stdout.trim() }
  if (out.status === 1) return {}
  return { unknown: out.stderr.trim() || `the port helper failed (exit ${out.status})` }
}

export function checkPorts(config: Config, root: string): Check[] {
  return DAEMONS.map((daemon) => {
    const port = config.ports[daemon]
    const { holder, unknown } = portHolder(root, port)
    if (unknown) return failed(`port-${daemon}`, unknown, 'apt-get install iproute2')
    if (holder === undefined) return ok(`port-${daemon}`, `${port} free`)
    if (holder.includes(`${root}/apps/${daemon}/src/main.ts`)) {
      return ok(`port-${daemon}`, `${port} held by this stack's ${daemon} (pid ${holder.split(' ')[0]})`)
    }
    const pid = holder.split(' ')[0]
    return failed(
      `port-${daemon}`,
      `${port} is in use by pid ${holder}`,
      pid === '?'
        ? `ss -ltnp 'sport = :${port}'  # as root, to see who; or set LH_PORTS_${daemon.toUpperCase()}=<free port>`
        : `kill ${pid}  # or set LH_PORTS_${daemon.toUpperCase()}=<free port>`,
    )
  })
}

export function checkSystemd(unitDir = '/etc/systemd/system'): Check {
  if (!existsSync(join(unitDir, 'lakehouse.target'))) return skipped('systemd', `no units installed in ${unitDir}`)
  const pid1 = existsSync('/proc/1/comm') ? readFileSync('/proc/1/comm', 'utf8').trim() : ''
  if (pid1 !== 'systemd') {
    return failed(
      'systemd',
      `lakehouse units are installed in ${unitDir} but PID 1 is ${pid1 || 'unknown'}, not systemd, so they never run`,
      './lh uninstall-systemd && ./lh up',
    )
  }
  const states = DAEMONS.map((d) => {
    const r = spawnSync('systemctl', ['is-active', `lakehouse-${d}.service`], { encoding: 'utf8' })
    return { d, state: r.stdout.trim() || 'unknown' }
  })
  const down = states.filter((s) => s.state !== 'active')
  return down.length === 0
    ? ok('systemd', 'lakehouse.target installed, all eight services active')
    : failed(
        'systemd',
        `not active: ${down.map((s) => `lakehouse-${s.d} (${s.state})`).join(', ')}`,
        `journalctl -u lakehouse-${down[0]?.d} -n 20 --no-pager; then systemctl restart lakehouse.target`,
      )
}
