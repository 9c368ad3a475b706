import type { IncomingHttpHeaders } from 'node:http'

// Hop-by-hop headers describe one connection, not the message (RFC 9110 §7.6.1): the gateway drops
// them in both directions, together with every header the Connection header names, so a client's
// `Connection: close` closes the client's connection and a daemon's `keep-alive` stays between the
// gateway and the daemon.

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

type Headers = IncomingHttpHeaders | Record<string, string | string[] | undefined>

function namedByConnection(headers: Headers): Set<string> {
  const value = headers.connection
  const list = Array.isArray(value) ? value.join(',') : (value ?? '')
  return new Set(
    list
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  )
}

/** The end-to-end headers of `headers` (lower-case names), without `drop` and the hop-by-hop ones. */
export function endToEndHeaders(headers: Headers, drop: readonly string[] = []): Record<string, string | string[]> {
  const named = namedByConnection(headers)
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower) || drop.includes(lower)) continue
    out[lower] = value
  }
  return out
}
