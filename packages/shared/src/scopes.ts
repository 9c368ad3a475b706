import type { Scope } from './config/schema.ts'

// Which scope a request needs, decided in one place for the gateway and every daemon (ADR-003).
// Reads need `read`; changes need `write`; destructive or operator actions need `admin`.
// Some POSTs are reads (a query, an embedding, a search): they are listed here by path.

const ADMIN: ReadonlyArray<[method: string, path: RegExp]> = [
  ['DELETE', /^\/v1\/catalog\/datasets\/[^/]+$/],
  ['POST', /^\/v1\/catalog\/vacuum$/],
  ['DELETE', /^\/v1\/vectors\/indexes\/[^/]+$/],
  ['*', /^\/v1\/admin(\/|$)/],
]

const READ_POSTS: readonly RegExp[] = [
  /^\/v1\/query\/sql$/,
  /^\/v1\/embed$/,
  /^\/v1\/vectors\/indexes\/[^/]+\/search$/,
  /^\/v1\/memory\/playbooks\/search$/,
  /^\/v1\/memory\/traces\/search$/,
]

export function requiredScope(method: string, url: string): Scope {
  const path = url.split('?', 1)[0] ?? url
  const verb = method.toUpperCase()
  if (ADMIN.some(([m, re]) => (m === '*' || m === verb) && re.test(path))) return 'admin'
  if (verb === 'GET' || verb === 'HEAD' || verb === 'OPTIONS') return 'read'
  if (verb === 'POST' && READ_POSTS.some((re) => re.test(path))) return 'read'
  return 'write'
}

/** admin implies write implies read. */
export function grants(held: ReadonlySet<Scope>, needed: Scope): boolean {
  if (held.has('admin')) return true
  if (needed === 'read') return held.has('read') || held.has('write')
  return held.has(needed)
}

/** Paths that answer without a token: liveness only, so that probes and `just up` need no secret. */
export function isOpenPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? url
  return path === '/health' || /^\/health\/[a-z]+$/.test(path)
}
