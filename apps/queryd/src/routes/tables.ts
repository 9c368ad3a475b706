import type { App } from '@lakehouse/shared'
import type { QueryService } from '../query-service.ts'

// GET /v1/query/tables: every view (one per dataset) with its columns, as DuckDB sees them.
export function registerTablesRoute(app: App, service: Pick<QueryService, 'tables'>): void {
  app.get('/v1/query/tables', async () => ({ tables: await service.tables() }))
}
