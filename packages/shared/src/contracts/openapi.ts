import { z } from 'zod'
import { interfaceRoutes } from './gateway.ts'
import { gatewayRoutes, healthRoutes } from './health.ts'
import { IcebergErrorBody } from './iceberg.ts'
import { ALL_ROUTES } from './index.ts'
import { metricsRoutes } from './metrics.ts'
import type { RouteContract } from './route.ts'

// The OpenAPI 3.1 document of the whole API, generated from the route contracts (ADR-018): the
// same zod schemas every daemon validates with, turned into JSON Schema by zod itself. Nothing
// here is written twice: paths, scopes, summaries and shapes are all the contracts'.

type JsonSchema = Record<string, unknown>
type Operation = Record<string, unknown>

/** The error shape of DESIGN §5, as every route answers it. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('stable snake_case code'),
    message: z.string(),
    request_id: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'bad input: `invalid_request` for schema failures, or a route-specific code',
  '401': '`unauthorized`: no or unknown bearer token (with `WWW-Authenticate: Bearer`)',
  '403': "`forbidden`: the token's scope is too small, or a route-specific refusal",
  '404': '`not_found`',
  '413': '`payload_too_large`',
  '429': '`rate_limited` at the gateway',
  '500': '`internal_error` (never a stack trace, a credential or a local path)',
  '503': '`upstream_unavailable`: the owning daemon cannot be reached',
  '504': 'a timeout: the daemon did not answer in time',
}

/** The error statuses a route can answer, from what its contract declares. */
export function errorStatuses(contract: RouteContract): string[] {
  const statuses: string[] = []
  if (contract.params || contract.querystring || contract.body || contract.headers) statuses.push('400')
  if (contract.scope !== 'open') statuses.push('401', '403')
  if (contract.url.includes(':') || contract.url.includes('*')) statuses.push('404')
  if (contract.body) statuses.push('413')
  statuses.push('429', '500', '503', '504')
  return statuses
}

/**
 * Recursive schemas (a JSON value, a query cell) come out of zod with local `$defs`; in an OpenAPI
 * document a `#/$defs/…` reference would resolve against the document root, so each definition is
 * hoisted into components.schemas once (the same definition, byte for byte, gets the same name).
 */
class SchemaSet {
  readonly components: Record<string, JsonSchema> = {}
  readonly #names = new Map<string, string>()

  toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
    if (!$defs) return rest
    const renamed = new Map<string, string>()
    const defs = Object.entries($defs as Record<string, JsonSchema>)
    for (const [local, def] of defs) {
      const key = JSON.stringify(def)
      let name = this.#names.get(key)
      if (!name) {
        name = `Recursive${this.#names.size + 1}`
        this.#names.set(key, name)
      }
      renamed.set(local, name)
    }
    const rewrite = (json: JsonSchema): JsonSchema =>
      JSON.parse(
        JSON.stringify(json).replace(/"#\/\$defs\/([^"]+)"/g, (_m, local: string) => {
          return JSON.stringify(`#/components/schemas/${renamed.get(local) ?? local}`)
        }),
      ) as JsonSchema
    for (const [local, def] of defs) this.components[renamed.get(local) as string] ??= rewrite(def)
    return rewrite(rest)
  }
}

/** `/v1/x/:name/*` → `/v1/x/{name}/{key}` (the wildcard is an object key, its only use). */
const WILDCARD = 'key'
const openapiPath = (url: string) => url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replace(/\*$/, `{${WILDCARD}}`)

function parameters(contract: RouteContract, schemas: SchemaSet): JsonSchema[] {
  const out: JsonSchema[] = []
  const add = (where: 'path' | 'query' | 'header', schema: z.ZodType | undefined) => {
    if (!schema) return
    const json = schemas.toSchema(schema, 'input')
    const required = new Set((json.required as string[] | undefined) ?? [])
    for (const [name, property] of Object.entries((json.properties as Record<string, JsonSchema>) ?? {})) {
      if (where === 'header' && name === 'authorization') continue
      out.push({
        name: where === 'path' && name === '*' ? WILDCARD : name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: property,
      })
    }
  }
  add('path', contract.params)
  add('query', contract.querystring)
  add('header', contract.headers)
  return out
}

function operation(contract: RouteContract, tag: string, schemas: SchemaSet): Operation {
  const errorRef = contract.url.startsWith('/v1/iceberg/') ? 'IcebergError' : 'Error'
  const responses: Record<string, unknown> = {
    '2XX': {
      description: 'success',
      ...(contract.response
        ? { content: { 'application/json': { schema: schemas.toSchema(contract.response, 'output') } } }
        : {}),
    },
  }
  for (const status of errorStatuses(contract)) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'error',
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${errorRef}` } } },
    }
  }
  const params = parameters(contract, schemas)
  return {
    tags: [tag],
    summary: contract.summary,
    'x-scope': contract.scope,
    security: contract.scope === 'open' ? [] : [{ bearer: [] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemas.toSchema(contract.body, 'input') } },
          },
        }
      : {}),
    responses,
  }
}

export interface DocumentedRoute {
  tag: string
  contract: RouteContract
}

/** Every route the gateway answers: the forwarded API (ALL_ROUTES) and the gateway's own. */
export function documentedRoutes(): DocumentedRoute[] {
  return [
    ...ALL_ROUTES.map(({ daemon, contract }) => ({ tag: daemon, contract })),
    ...Object.values(healthRoutes).map((contract) => ({ tag: 'health', contract })),
    ...Object.values(gatewayRoutes).map((contract) => ({ tag: 'health', contract })),
    ...Object.values(interfaceRoutes).map((contract) => ({ tag: 'gateway', contract })),
    // Served by every daemon for its own process, not forwarded: documented once (ADR-019).
    ...Object.values(metricsRoutes).map((contract) => ({ tag: 'metrics', contract })),
  ]
}

export function openapiDocument(version: string): Record<string, unknown> {
  const schemas = new SchemaSet()
  const paths: Record<string, Record<string, Operation>> = {}
  for (const { tag, contract } of documentedRoutes()) {
    const path = openapiPath(contract.url)
    paths[path] ??= {}
    paths[path][contract.method.toLowerCase()] = operation(contract, tag, schemas)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'lakehouse',
      version,
      description:
        'Every route of every daemon, as served at the gateway. Errors share one shape (components.schemas.Error); ' +
        '`x-scope` names the token scope a route needs (admin ⊃ write ⊃ read; open needs none).',
    },
    paths,
    components: {
      schemas: {
        Error: schemas.toSchema(ErrorBodySchema, 'output'),
        IcebergError: schemas.toSchema(IcebergErrorBody, 'output'),
        ...schemas.components,
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  }
}
