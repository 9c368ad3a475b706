import type { PeerDaemon, ServiceClient } from '@lakehouse/shared'
import { catalogRoutes, type DatasetNameParams, Manifest, VersionList } from '@lakehouse/shared/contracts/catalog.ts'
import { ownerOf } from '@lakehouse/shared/contracts/index.ts'
import { memoryRoutes } from '@lakehouse/shared/contracts/memory.ts'
import { observerRoutes } from '@lakehouse/shared/contracts/observer.ts'
import { playbookRoutes } from '@lakehouse/shared/contracts/playbooks.ts'
import { queryRoutes, SqlRequest } from '@lakehouse/shared/contracts/query.ts'
import type { RouteContract, RouteScope } from '@lakehouse/shared/contracts/route.ts'
import { vectorRoutes } from '@lakehouse/shared/contracts/vectors.ts'
import { z } from 'zod'

// The MCP tools (issue 17, ADR-018): each is one route contract (or two, for describe_dataset)
// called through the owning daemon's client with the caller's own bearer token, so the daemon's
// scope check applies as it does over HTTP. A tool's input schema is the route's params, query
// and body schemas merged into one object (the contracts' zod schemas, nothing restated); the
// call splits the arguments back by which schema declares each key.

type Json = Record<string, unknown>
export type Call = (contract: RouteContract, args: Json) => Promise<Json>

export interface ToolSpec {
  name: string
  description: string
  /** The scope the tool needs: its route's (the strongest, when it calls two). */
  scope: Exclude<RouteScope, 'open'>
  input: z.ZodObject
  /** The answer's shape: the route's response schema (the client checks structuredContent with it). */
  output: z.ZodObject
  run: (args: Json, call: Call) => Promise<Json>
  /** A line or two for the text content; the whole answer is the structured content. */
  text: (result: Json) => string
}

const shapeOf = (schema: z.ZodType | undefined): Record<string, z.ZodType> =>
  schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {}

/** params ∪ querystring ∪ body of a route, one strict object; a key in two of them is a bug here. */
export function mergedInput(contract: RouteContract, body: z.ZodType | undefined = contract.body): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const part of [contract.params, contract.querystring, body]) {
    for (const [key, schema] of Object.entries(shapeOf(part))) {
      if (key in shape) throw new Error(`${contract.method} ${contract.url}: "${key}" is in two of params, query, body`)
      shape[key] = schema
    }
  }
  return z.strictObject(shape)
}

export interface RouteRequest {
  method: RouteContract['method']
  path: string
  query?: Record<string, string | number | boolean | undefined>
  json?: unknown
}

/** The HTTP request a route contract makes of parsed tool arguments. */
export function routeRequest(contract: RouteContract, args: Json): RouteRequest {
  const params = shapeOf(contract.params)
  const querystring = shapeOf(contract.querystring)
  const query: Record<string, string | number | boolean | undefined> = {}
  const body: Json = {}
  for (const [key, value] of Object.entries(args)) {
    if (key in params) continue
    if (key in querystring) query[key] = value as string | number | boolean | undefined
    else body[key] = value
  }
  const path = contract.url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(String(args[name])))
  return {
    method: contract.method,
    path,
    ...(Object.keys(query).length > 0 ? { query } : {}),
    ...(contract.body ? { json: body } : {}),
  }
}

/** Calls a route on its owning daemon's client with `authorization`, parsing the answer with its contract. */
export function callerOf(peers: ReadonlyMap<PeerDaemon, ServiceClient>, authorization: string | undefined): Call {
  return async (contract, args) => {
    const peer = peers.get(ownerOf(contract.url)) as ServiceClient
    const answer = await peer.json<unknown>({
      ...routeRequest(contract, args),
      ...(authorization ? { headers: { authorization } } : {}),
    })
    return (contract.response ? contract.response.parse(answer) : answer) as Json
  }
}

const json = (value: unknown, max = 2_000) => {
  const text = JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** One route, called with the tool's arguments as they are. */
function routeTool(name: string, contract: RouteContract, text: (result: Json) => string, body?: z.ZodType): ToolSpec {
  return {
    name,
    description: contract.summary,
    scope: contract.scope as ToolSpec['scope'],
    input: mergedInput(contract, body),
    output: contract.response as z.ZodObject,
    run: (args, call) => call(contract, args),
    text,
  }
}

type Hits = { hits: unknown[] }

export const TOOLS: readonly ToolSpec[] = [
  routeTool('list_datasets', catalogRoutes.listDatasets, (r) => {
    const { datasets, generation } = r as { datasets: Array<{ name: string }>; generation: number }
    return `${datasets.length} datasets at generation ${generation}: ${datasets.map((d) => d.name).join(', ')}`
  }),
  {
    name: 'describe_dataset',
    description: "a dataset's schema, row count and files (latest or given version) and its version history",
    scope: 'read',
    input: mergedInput(catalogRoutes.getManifest),
    output: z.strictObject({ manifest: Manifest, versions: VersionList.shape.versions }),
    run: async (args, call) => {
      const { name } = args as z.infer<typeof DatasetNameParams>
      const [manifest, versions] = await Promise.all([
        call(catalogRoutes.getManifest, args),
        call(catalogRoutes.listVersions, { name }),
      ])
      return { manifest, versions: versions.versions }
    },
    text: (r) => {
      const m = r.manifest as {
        name: string
        version: number
        row_count: number
        schema: Array<{ name: string; type: string }>
      }
      const columns = m.schema.map((c) => `${c.name} ${c.type}`).join(', ')
      return `${m.name} v${m.version}: ${m.row_count} rows; ${columns}; ${(r.versions as unknown[]).length} versions`
    },
  },
  // JSON only: an agent reads columns and rows; queryd's own row cap and sandbox apply.
  routeTool(
    'query_sql',
    queryRoutes.sql,
    (r) => {
      const q = r as { row_count: number; truncated: boolean; columns: Array<{ name: string }>; rows: unknown[] }
      const cut = q.truncated ? ' (truncated)' : ''
      return `${q.row_count} rows${cut}; columns ${q.columns.map((c) => c.name).join(', ')}; ${json(q.rows.slice(0, 20))}`
    },
    SqlRequest.omit({ format: true }),
  ),
  routeTool('search_vectors', vectorRoutes.search, (r) => `${(r as Hits).hits.length} hits: ${json(r.hits)}`),
  routeTool('review_claim', observerRoutes.createReview, (r) => {
    const v = r as { review_id: string; verdict: string; reason: string; degraded: boolean }
    return `review ${v.review_id}: ${v.verdict} (${v.reason}${v.degraded ? ', degraded' : ''})`
  }),
  routeTool('seal_playbook', playbookRoutes.seal, (r) => `sealed ${r.playbook_id as string}`),
  routeTool('search_playbooks', playbookRoutes.search, (r) => `${(r as Hits).hits.length} playbooks: ${json(r.hits)}`),
  routeTool('add_trace', memoryRoutes.addTrace, (r) => json(r)),
  routeTool('search_traces', memoryRoutes.searchTraces, (r) => `${(r as Hits).hits.length} traces: ${json(r.hits)}`),
  routeTool('retire_trace', memoryRoutes.retireTrace, (r) => json(r)),
]
