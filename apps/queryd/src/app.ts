import { type App, type Config, createServer, metricsRegistry, readyDetails, storageRoot } from '@lakehouse/shared'
import { catalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { type StorageClient, storageClient } from '@lakehouse/shared/clients/storage.ts'
import type { CommitObjects } from './commit-probe.ts'
import { FolderCommitObjects } from './folder-commit-objects.ts'
import { queryMetrics } from './metrics.ts'
import type { ObjectSource } from './parquet-cache.ts'
import { createQueryService, type QueryService } from './query-service.ts'
import { registerSqlRoute } from './routes/sql.ts'
import { registerTablesRoute } from './routes/tables.ts'
import type { CatalogSource } from './views.ts'

// queryd (DESIGN §4, §5 "query", §8): read-only, sandboxed SQL over every dataset. The catalog and
// the object source are injected so that tests can hand in a fake catalog or a folder of Parquet
// files; by default they are catalogd's and storaged's clients.

/** How soon queryd notices storaged serving another folder than the one it reads (ADR-034). */
const FOLDER_RECHECK_MS = 10_000

export interface QuerydDeps {
  config: Config
  catalog?: CatalogSource
  /** Data files (GET) and commit objects (HEAD, the freshness probe of ADR-021). */
  objects?: ObjectSource & CommitObjects
}

/** The instance, decorated with its query service (tests read its engine, views and cache). Not
 * `query`: that name is Fastify's own (the QUERY method shorthand), which Object.assign overwrote. */
export type QuerydApp = App & { queryService: QueryService }

export async function buildApp(deps: QuerydDeps): Promise<QuerydApp> {
  const { config } = deps
  const peers = new PeerSet()
  const catalog = peers.use(deps.catalog, () => catalogClient(config))
  let storage: StorageClient | undefined
  const objects = peers.use(deps.objects, () => (storage = storageClient(config)))
  let memory: () => Promise<Record<string, unknown>> = async () => ({})
  const app = createServer({
    service: 'queryd',
    config,
    // What each bounded memory holds against its configured limit (ADR-021).
    readyChecks: { ...peers.readyChecks(), memory: async () => readyDetails(await memory()) },
  })
  const metrics = queryMetrics(metricsRegistry(app))
  // Injected objects (a test's folder of files) are asked themselves; storaged through its folder
  // while that folder is on this host (ADR-034).
  const commits =
    storage && config.query.freshness_probe === 'auto'
      ? new FolderCommitObjects(storage, storageRoot(config), app.log)
      : undefined
  commits?.watch(FOLDER_RECHECK_MS)
  const service = await createQueryService({
    config,
    catalog,
    objects,
    ...(commits ? { commits } : {}),
    log: app.log,
    onRunEnded: metrics.onRunEnded,
    onPhases: metrics.onPhases,
  })
  metrics.watch(service)
  memory = async () => ({ ...(await memoryDetails(config, service)), freshness_probe: commits?.source ?? 'objects' })
  registerSqlRoute(app, service.engine, config.query.max_sql_bytes)
  registerTablesRoute(app, service)
  app.addHook('onClose', async () => {
    commits?.close()
    service.close()
    await peers.close()
  })
  app.decorate('queryService', service)
  // decorate() adds the property at run time; TypeScript learns it from this one narrowing.
  return app as QuerydApp
}

async function memoryDetails(config: Config, service: QueryService): Promise<Record<string, unknown>> {
  const duckdb = await service.duckdbMemory()
  return {
    parquet_cache_bytes: service.cache?.bytes ?? 0,
    parquet_cache_max_bytes: config.query.cache_max_bytes,
    guard_cache_bytes: service.engine.guardCache.bytes,
    guard_cache_max_bytes: config.query.guard_cache_bytes,
    pool_idle_connections: service.engine.pool.idle,
    pool_max_connections: config.query.pool_connections,
    pool_statements: service.engine.pool.statements,
    pool_max_statements: config.query.pool_connections * config.query.pool_statements,
    views: service.views.names.length,
    duckdb_memory_bytes: duckdb.reduce((sum, tag) => sum + tag.bytes, 0),
    duckdb_memory_limit: config.query.memory_limit,
  }
}
