import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Scope } from '../config/schema.ts'

// A route contract: one declaration of an API route (method, path pattern, the scope it needs,
// and the zod schemas of what crosses the wire). The daemon registers its route from it
// (routeOptions), the gateway's edge check reads the same scopes, clients parse answers with its
// response schema, and the OpenAPI document and MCP tools are derived from it (DESIGN §2.6).

/** `open` answers without a token (liveness only); the rest follow admin ⊃ write ⊃ read (ADR-003). */
export type RouteScope = Scope | 'open'

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RouteContract {
  method: HttpMethod
  /** A find-my-way pattern, the same at the gateway and at the daemon: `/v1/catalog/datasets/:name`. */
  url: string
  scope: RouteScope
  summary: string
  params?: z.ZodType
  querystring?: z.ZodType
  /** Loose objects: a request carries many other headers; only the ones the route reads are typed. */
  headers?: z.ZodType
  body?: z.ZodType
  /** The success answer's shape (JSON routes); absent for byte streams. */
  response?: z.ZodType
}

/** Identity, typed: keeps each schema's exact type so routes and clients infer from it. */
export function defineRoute<const C extends RouteContract>(contract: C): C {
  return contract
}

/**
 * The scope of a route that serves many (the gateway's forwarding routes): decided per request from
 * the owning daemon's declared table. `undefined` when no declared route matches: any valid token.
 */
export type ScopeResolver = (req: FastifyRequest) => RouteScope | undefined

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Declared by every route (routeOptions); the auth hook enforces it on the matched route. */
    scope?: RouteScope | ScopeResolver
  }
}

type SchemaOf<C extends RouteContract> = {
  [K in 'params' | 'querystring' | 'headers' | 'body' as C[K] extends z.ZodType ? K : never]: C[K]
}

/**
 * What `app.route({...routeOptions(contract), handler})` needs: method, url, the request schemas
 * (validated by the server factory's zod compiler) and the declared scope in the route's config.
 */
export function routeOptions<const C extends RouteContract>(
  contract: C,
): { method: C['method']; url: C['url']; schema: SchemaOf<C>; config: { scope: C['scope'] } } {
  const schema: Record<string, z.ZodType> = {}
  if (contract.params) schema.params = contract.params
  if (contract.querystring) schema.querystring = contract.querystring
  if (contract.headers) schema.headers = contract.headers
  if (contract.body) schema.body = contract.body
  return {
    method: contract.method,
    url: contract.url,
    schema: schema as SchemaOf<C>,
    config: { scope: contract.scope },
  }
}
