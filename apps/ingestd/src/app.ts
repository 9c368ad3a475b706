import type { DuckDBInstance } from '@duckdb/node-api'
import { type App, type Config, createServer, dataPath, metricsRegistry, readyDetails } from '@lakehouse/shared'
import { catalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { type Peer, PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { openEngine } from './duckdb-engine.ts'
import { engineMemory } from './engine-memory.ts'
import { Ingestor } from './ingest.ts'
import { ingestMetrics } from './metrics.ts'
import type { Catalog, ObjectStore } from './ports.ts'
import { registerIngestRoutes } from './routes/ingest.ts'
import { sweepStaleWorkspaces } from './workspace.ts'

// ingestd (DESIGN §4, §5 "ingest", ADR-006): uploads → DuckDB → Parquet in storaged → catalog commit.
// Tests pass their own store and catalog (packages/shared/testing's in-memory ones); by default
// they are the clients of storaged and catalogd.

export interface IngestdDeps {
  config: Config
  store?: ObjectStore & Peer
  catalog?: Catalog & Peer
  engine?: DuckDBInstance
}

export async function buildApp(deps: IngestdDeps): Promise<App> {
  const { config } = deps
  const peers = new PeerSet()
  const store = peers.use(deps.store, () => storageClient(config))
  const catalog = peers.use(deps.catalog, () => catalogClient(config))
  const tmpDir = dataPath(config, config.ingest.tmp_dir, 'tmp', 'ingest')
  // Before DuckDB opens: its own temp files live in the same folder.
  const removed = await sweepStaleWorkspaces(tmpDir)
  const engine =
    deps.engine ??
    (await openEngine({
      tmpDir,
      memoryLimit: config.ingest.duckdb_memory_limit,
      threads: config.ingest.duckdb_threads,
    }))
  const app = createServer({
    service: 'ingestd',
    config,
    // duckdb always passes: it shows the engine's memory against its configured limit (ADR-023).
    readyChecks: { ...peers.readyChecks(), duckdb: async () => readyDetails({ ...(await engineMemory(engine)) }) },
  })
  if (removed > 0) app.log.info({ removed }, 'removed temp folders of interrupted ingests')
  const ingestor = new Ingestor({
    engine,
    store,
    catalog,
    limits: {
      tmpDir,
      maxUploadBytes: config.ingest.max_upload_bytes,
      maxFileBytes: config.ingest.max_file_bytes,
    },
    log: app.log,
    onIngested: ingestMetrics(metricsRegistry(app), () => engineMemory(engine)),
  })
  registerIngestRoutes(app, ingestor)
  app.addHook('onClose', async () => {
    await peers.close()
    if (!deps.engine) engine.closeSync()
  })
  return app
}
