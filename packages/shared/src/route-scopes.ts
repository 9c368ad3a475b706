import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'

// Every route declares its scope (ADR-003): the server factory records each route as it is added
// and refuses to start (ready() rejects) while any has none. The check runs at ready rather than
// in onRoute itself because an app may fill a scope in with an onRoute hook of its own, added after
// this one (the gateway gives its forwarding routes the edge check that way).

export interface DeclaredRoute {
  method: string
  url: string
  scope: unknown
}

const recorded = new WeakMap<FastifyInstance, RouteOptions[]>()

/** The routes `app` registered so far (HEAD twins included), with the scope each declares. */
export function declaredRoutes(app: FastifyInstance): DeclaredRoute[] {
  return (recorded.get(app) ?? []).flatMap((route) =>
    (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({
      method,
      url: route.url,
      scope: route.config?.scope,
    })),
  )
}

export function checkDeclaredScopes(app: FastifyInstance): void {
  const routes: RouteOptions[] = []
  recorded.set(app, routes)
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  app.addHook('onReady', async () => {
    const missing = declaredRoutes(app).filter((route) => route.scope === undefined)
    if (missing.length > 0) {
      const list = missing.map((route) => `${route.method} ${route.url}`).join(', ')
      throw new Error(`routes without a declared scope (config.scope, see contracts/route.ts): ${list}`)
    }
  })
}

/** Whether the route `req` matched answers without a token (liveness): e.g. for rate-limit exemptions. */
export function isOpenRoute(req: FastifyRequest): boolean {
  return !req.is404 && req.routeOptions.config.scope === 'open'
}
