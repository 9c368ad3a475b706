import type { Scope } from './config/schema.ts'

// Which scope a request needs is a property of the route it matched (ADR-003): each route declares
// it in its contract (contracts/*.ts, routeOptions) and the auth hook reads it after routing, so no
// spelling of a path can reach a route with a weaker check. Reads need `read`; changes need
// `write`; destructive or operator actions need `admin`; POSTs that only read declare `read`.

/** admin implies write implies read. */
export function grants(held: ReadonlySet<Scope>, needed: Scope): boolean {
  if (held.has('admin')) return true
  if (needed === 'read') return held.has('read') || held.has('write')
  return held.has(needed)
}
