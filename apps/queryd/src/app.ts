import {
  type App,
  type Config,
  createServer,
  peerReadyChecks,
  type ReadyChecks,
  serviceClient,
} from '@lakehouse/shared'
import { CatalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { ObjectSource } from './parquet-cache.ts'
import { createQueryService, type QueryService } from './query-service.ts'
import { registerSqlRoute } from './routes/sql.ts'
import { registerTablesRoute } from './routes/tables.ts'
import type { CatalogSource } from './views.ts'

// queryd (DESIGN §4, §5 "query", §8): read-only, sandboxed SQL over every dataset. The catalog and
// the object source are injected so that tests can hand in a fake catalog or a folder of Parquet
// files; by default they are catalogd's and storaged's clients.

export interface QuerydDeps {
  config: Config
  catalog?: CatalogSource
  objects?: ObjectSource
}

export type QuerydApp = App & { query: QueryService }

export async function buildApp(deps: QuerydDeps): Promise<QuerydApp> {
  const { config } = deps
  const owned: Array<{ close: () => Promise<void> }> = []
  const readyChecks: ReadyChecks = {}
  let catalog = deps.catalog
  let objects = deps.objects
  if (!catalog) {
    const client = new CatalogClient(serviceClient(config, 'catalogd'))
    Object.assign(readyChecks, peerReadyChecks([client]))
    owned.push(client)
    catalog = client
  }
  if (!objects) {
    const client = new StorageClient(serviceClient(config, 'storaged'))
    Object.assign(readyChecks, peerReadyChecks([client]))
    owned.push(client)
    objects = client
  }
  const app = createServer({ service: 'queryd', config, readyChecks })
  const service = await createQueryService({ config, catalog, objects, log: app.log })
  registerSqlRoute(app, service.engine, config.query.max_sql_bytes)
  registerTablesRoute(app, service)
  app.addHook('onClose', async () => {
    service.close()
    await Promise.all(owned.map((client) => client.close()))
  })
  return Object.assign(app, { query: service })
}
