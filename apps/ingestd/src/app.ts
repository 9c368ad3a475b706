import type { DuckDBInstance } from '@duckdb/node-api'
import { type App, type Config, createServer, dataPath, peerReadyChecks, serviceClient } from '@lakehouse/shared'
import { CatalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { openEngine } from './duckdb-engine.ts'
import { Ingestor } from './ingest.ts'
import type { Catalog, ObjectStore } from './ports.ts'
import { registerIngestRoutes } from './routes/ingest.ts'
import { sweepStaleWorkspaces } from './workspace.ts'

// ingestd (DESIGN §4, §5 "ingest", ADR-006): uploads → DuckDB → Parquet in storaged → catalog commit.
// Tests pass their own store and catalog; by default they are the clients of storaged and catalogd.

export interface IngestdDeps {
  config: Config
  store?: ObjectStore
  catalog?: Catalog
  engine?: DuckDBInstance
}

export async function buildApp(deps: IngestdDeps): Promise<App> {
  const { config } = deps
  const storageHttp = serviceClient(config, 'storaged')
  const catalogHttp = serviceClient(config, 'catalogd')
  const app = createServer({
    service: 'ingestd',
    config,
    readyChecks: peerReadyChecks([storageHttp, catalogHttp]),
  })
  const tmpDir = dataPath(config, config.ingest.tmp_dir, 'tmp', 'ingest')
  const removed = await sweepStaleWorkspaces(tmpDir)
  if (removed > 0) app.log.info({ removed }, 'removed temp folders of interrupted ingests')
  const engine =
    deps.engine ??
    (await openEngine({
      tmpDir,
      memoryLimit: config.ingest.duckdb_memory_limit,
      threads: config.ingest.duckdb_threads,
    }))
  const ingestor = new Ingestor({
    engine,
    store: deps.store ?? new StorageClient(storageHttp),
    catalog: deps.catalog ?? new CatalogClient(catalogHttp),
    limits: {
      tmpDir,
      maxUploadBytes: config.ingest.max_upload_bytes,
      maxFileBytes: config.ingest.max_file_bytes,
    },
    log: app.log,
  })
  registerIngestRoutes(app, ingestor)
  app.addHook('onClose', async () => {
    await Promise.all([storageHttp.close(), catalogHttp.close()])
    if (!deps.engine) engine.closeSync()
  })
  return app
}
