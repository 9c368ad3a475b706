// Prints, for scripts/stack.sh, how each daemon's process is started as the systemd units start it
// (packages/shared/src/daemon-env.ts): one `<daemon> <NAME>=<value>` line per variable and one
// `<daemon> <--flag>` line per node flag.
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '@lakehouse/shared/daemon-env.ts'
import { DAEMONS } from '@lakehouse/shared/daemons.ts'

for (const daemon of DAEMONS) {
  for (const [name, value] of Object.entries(DAEMON_ENV[daemon] ?? {}))
    process.stdout.write(`${daemon} ${name}=${value}\n`)
  for (const flag of DAEMON_NODE_FLAGS[daemon] ?? []) process.stdout.write(`${daemon} ${flag}\n`)
}
