import { hasToken } from './auth.ts'
import type { Config } from './config/schema.ts'
import { isLoopbackHost } from './loopback.ts'

// A daemon never listens beyond this machine without a token (DESIGN §2.4): asked to, it refuses to
// start, unless the operator set LH_ALLOW_NONLOOPBACK=1, which starts it with a loud warning.

export type BindVerdict = { ok: true; warning?: string } | { ok: false; message: string }

export function checkBind(config: Config): BindVerdict {
  const { host, allow_nonloopback } = config.server
  if (isLoopbackHost(host) || hasToken(config.auth)) return { ok: true }
  if (allow_nonloopback) {
    return {
      ok: true,
      warning: `LH_ALLOW_NONLOOPBACK=1: listening on ${host} WITHOUT AUTHENTICATION; anyone who can reach this address can read and change all data`,
    }
  }
  return {
    ok: false,
    message: `refusing to listen on ${host} without a token: set [auth] token in secrets.toml (or LH_AUTH_TOKEN), bind 127.0.0.1, or set LH_ALLOW_NONLOOPBACK=1 to accept the risk`,
  }
}
