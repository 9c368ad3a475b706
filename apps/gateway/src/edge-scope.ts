import { ROUTE_PREFIXES } from '@lakehouse/shared'
import { ALL_ROUTES, type OwnedRoute } from '@lakehouse/shared/contracts/index.ts'
import type { HttpMethod, RouteScope, ScopeResolver } from '@lakehouse/shared/contracts/route.ts'
import type { FastifyInstance } from 'fastify'
import FindMyWay from 'find-my-way'

// The gateway's edge check (ADR-003): the scope a forwarded request needs is the one its daemon
// declares for the route it will match there. The table is the daemons' own (ALL_ROUTES), and it
// is matched by find-my-way, the router every daemon runs inside Fastify, with Fastify's options,
// on the raw request target: percent-decoding, absolute-form targets and the query string are
// handled exactly as the daemon will handle them, so the edge can never be weaker than the daemon.
// A target that matches no declared route needs a valid token (any scope); the daemon answers 404.

/** Fastify 5's router defaults, which every daemon's server factory keeps. */
const DAEMON_ROUTER_OPTIONS = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  useSemicolonDelimiter: false,
}

const noop = () => undefined

export function edgeScopeResolver(routes: readonly OwnedRoute[] = ALL_ROUTES): ScopeResolver {
  const router = FindMyWay(DAEMON_ROUTER_OPTIONS)
  const declared = new Set(routes.map(({ contract }) => `${contract.method} ${contract.url}`))
  const add = (method: HttpMethod, url: string, scope: RouteScope) => router.on(method, url, noop, { scope })
  for (const { contract } of routes) {
    add(contract.method, contract.url, contract.scope)
    // Fastify answers HEAD for every GET route that has no HEAD of its own, under the GET's scope.
    if (contract.method === 'GET' && !declared.has(`HEAD ${contract.url}`)) add('HEAD', contract.url, contract.scope)
  }
  return (req) => {
    const found = router.find(req.raw.method as HttpMethod, req.raw.url ?? '')
    return (found?.store as { scope: RouteScope } | undefined)?.scope
  }
}

const FORWARDED_PREFIXES = Object.values(ROUTE_PREFIXES).flat()

function isForwarded(url: string): boolean {
  return FORWARDED_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))
}

/**
 * Gives every forwarding route (one under a daemon's prefix that declares no scope of its own) the
 * edge check. Register before the forwarding routes.
 */
export function registerEdgeScopes(app: FastifyInstance, resolve: ScopeResolver = edgeScopeResolver()): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.scope === undefined && isForwarded(route.url)) route.config = { ...route.config, scope: resolve }
  })
}
