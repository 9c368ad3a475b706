import { type PeerDaemon, ROUTE_PREFIXES } from '../daemons.ts'
import { catalogRoutes } from './catalog.ts'
import { embedRoutes } from './embed.ts'
import { icebergRoutes } from './iceberg.ts'
import { ingestRoutes } from './ingest.ts'
import { memoryRoutes } from './memory.ts'
import { observerRoutes } from './observer.ts'
import { playbookRoutes } from './playbooks.ts'
import { queryRoutes } from './query.ts'
import type { RouteContract } from './route.ts'
import { storageRoutes } from './storage.ts'
import { vectorRoutes } from './vectors.ts'

// Every forwarded API route, with the daemon that owns it (by ROUTE_PREFIXES). The gateway decides
// scopes from this table (ADR-003); the OpenAPI document and MCP tools are generated from it.
// A new API adds its table to TABLES, one line.

export { catalogRoutes } from './catalog.ts'
export { embedRoutes } from './embed.ts'
export { gatewayRoutes, healthRoutes } from './health.ts'
export { icebergRoutes } from './iceberg.ts'
export { ingestRoutes } from './ingest.ts'
export { memoryRoutes } from './memory.ts'
export { metricsRoutes } from './metrics.ts'
export { observerRoutes } from './observer.ts'
export { playbookRoutes } from './playbooks.ts'
export { queryRoutes } from './query.ts'
export { storageRoutes } from './storage.ts'
export { vectorRoutes } from './vectors.ts'

const TABLES: ReadonlyArray<Record<string, RouteContract>> = [
  storageRoutes,
  catalogRoutes,
  ingestRoutes,
  queryRoutes,
  embedRoutes,
  memoryRoutes,
  icebergRoutes,
  observerRoutes,
  playbookRoutes,
  vectorRoutes,
]

export interface OwnedRoute {
  daemon: PeerDaemon
  contract: RouteContract
}

/** The daemon whose prefix covers `url`; throws at load for a route no daemon owns. */
export function ownerOf(url: string): PeerDaemon {
  for (const [daemon, prefixes] of Object.entries(ROUTE_PREFIXES) as Array<[PeerDaemon, readonly string[]]>) {
    if (prefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return daemon
  }
  throw new Error(`route ${url} is under no daemon's prefix (ROUTE_PREFIXES)`)
}

export const ALL_ROUTES: readonly OwnedRoute[] = TABLES.flatMap((table) =>
  Object.values(table).map((contract) => ({ daemon: ownerOf(contract.url), contract })),
)
