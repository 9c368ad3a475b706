import type { Daemon } from './daemons.ts'

// How each daemon's process is started, however it is started: the systemd units' `Environment=`
// lines and ExecStart (a test holds them equal to this), `./lh up` (scripts/stack.sh, through
// scripts/print-daemon-env.ts) and the test/soak stack (startDaemon).

/**
 * Environment: the V8 young generation capped (storaged ADR-026, queryd ADR-030, gateway and
 * catalogd ADR-032, embedd ADR-036) and glibc malloc kept to two arenas where threads allocate
 * (ADR-030).
 */
export const DAEMON_ENV: Partial<Record<Daemon, Record<string, string>>> = {
  storaged: { NODE_OPTIONS: '--max-semi-space-size=16', MALLOC_ARENA_MAX: '2' },
  queryd: { NODE_OPTIONS: '--max-semi-space-size=16', MALLOC_ARENA_MAX: '2' },
  catalogd: { NODE_OPTIONS: '--max-semi-space-size=16' },
  gateway: { NODE_OPTIONS: '--max-semi-space-size=16' },
  embedd: { NODE_OPTIONS: '--max-semi-space-size=16' },
}

/**
 * Flags on node's command line, for those NODE_OPTIONS refuses: the gateway's young generation
 * may not shrink below its cap, so a quiet spell does not leave it small enough to promote the
 * bodies in flight (ADR-038).
 */
export const DAEMON_NODE_FLAGS: Partial<Record<Daemon, readonly string[]>> = {
  gateway: ['--min-semi-space-size=16'],
}
