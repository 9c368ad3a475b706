import type { App } from '@lakehouse/shared'
import { queryRoutes } from '@lakehouse/shared/contracts/query.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { QueryService } from '../query-service.ts'

// GET /v1/query/tables: every view (one per dataset) with its columns, as DuckDB sees them.
export function registerTablesRoute(app: App, service: Pick<QueryService, 'tables'>): void {
  app.route({ ...routeOptions(queryRoutes.tables), handler: async () => ({ tables: await service.tables() }) })
}
