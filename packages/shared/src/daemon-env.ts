import type { Daemon } from './daemons.ts'

// The process environment each daemon runs with, however it is started: the systemd units'
// `Environment=` lines (a test holds them equal to this), `./lh up` (scripts/stack.sh, through
// scripts/print-daemon-env.ts) and the test/soak stack (startDaemon). The V8 young generation is
// capped (storaged ADR-026, queryd ADR-030, gateway and catalogd ADR-032, embedd ADR-036) and glibc
// malloc kept to two arenas where threads allocate (ADR-030).
export const DAEMON_ENV: Partial<Record<Daemon, Record<string, string>>> = {
  storaged: { NODE_OPTIONS: '--max-semi-space-size=16', MALLOC_ARENA_MAX: '2' },
  queryd: { NODE_OPTIONS: '--max-semi-space-size=16', MALLOC_ARENA_MAX: '2' },
  catalogd: { NODE_OPTIONS: '--max-semi-space-size=16' },
  gateway: { NODE_OPTIONS: '--max-semi-space-size=16' },
  embedd: { NODE_OPTIONS: '--max-semi-space-size=16' },
}
