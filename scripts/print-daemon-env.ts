// Prints, for scripts/stack.sh, each daemon's process environment as the systemd units set it
// (packages/shared/src/daemon-env.ts): one `<daemon> <NAME>=<value>` line per variable.
import { DAEMON_ENV } from '@lakehouse/shared/daemon-env.ts'
import { DAEMONS } from '@lakehouse/shared/daemons.ts'

for (const daemon of DAEMONS) {
  for (const [name, value] of Object.entries(DAEMON_ENV[daemon] ?? {}))
    process.stdout.write(`${daemon} ${name}=${value}\n`)
}
