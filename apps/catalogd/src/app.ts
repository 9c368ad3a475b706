import { type App, type Config, createServer, dataPath, metricsRegistry, readyDetails } from '@lakehouse/shared'
import { type Peer, PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { Catalog } from './catalog.ts'
import { Compactor } from './compaction/compactor.ts'
import { compactionMetrics } from './compaction/metrics.ts'
import type { CompactionStorage } from './compaction/transfer.ts'
import { IcebergWriter, icebergVersions } from './iceberg-writer.ts'
import { type CatalogMetrics, catalogMetrics } from './metrics.ts'
import { registerCompactRoute } from './routes/compact.ts'
import { registerDatasetRoutes } from './routes/datasets.ts'
import { icebergWarehouse, registerIcebergRoutes } from './routes/iceberg.ts'
import { registerVacuumRoute } from './routes/vacuum.ts'
import type { CatalogStorage } from './storage-port.ts'
import { vacuum } from './vacuum.ts'

// catalogd: versioned dataset manifests over storaged (DESIGN §4, §5, §6; ADR-005).

export interface CatalogdDeps {
  config: Config
  /** Storage to keep the catalog in; storaged's client (peers.storaged) when not given. */
  storage?: CatalogStorage & CompactionStorage & Peer
  now?: () => string
  /** Tests only: holds each compaction pass between its upload and its commit (ADR-022). */
  beforeCompactionCommit?: (name: string) => Promise<void>
}

export function buildApp(deps: CatalogdDeps): App {
  const { config } = deps
  const peers = new PeerSet()
  const storage = peers.use(deps.storage, () => storageClient(config))
  // The writer and the metrics need the catalog, and the catalog tells them of commits: tied here.
  let iceberg: IcebergWriter | undefined
  let compactor: Compactor | undefined
  let metrics: CatalogMetrics | undefined
  const catalog = new Catalog(storage, {
    maxCommitAttempts: config.catalog.max_commit_attempts,
    cacheBytes: config.catalog.manifest_cache_bytes,
    checkpointInterval: config.catalog.checkpoint_interval,
    ...(deps.now ? { now: deps.now } : {}),
    onCommit: (name) => {
      metrics?.onCommit()
      iceberg?.schedule(name)
      compactor?.schedule(name)
    },
    onLostRace: () => metrics?.onLostRace(),
  })
  const app = createServer({
    service: 'catalogd',
    config,
    readyChecks: {
      ...peers.readyChecks(),
      // Not a dependency: shows what the memory bounds hold (ADR-020).
      catalog_cache: async () =>
        readyDetails({ ...catalog.cacheBytes(), max_bytes: config.catalog.manifest_cache_bytes }),
    },
  })
  metrics = catalogMetrics(metricsRegistry(app), () => catalog.cacheBytes())
  const writer = new IcebergWriter({
    storage,
    history: (name) => catalog.history(name),
    ...icebergVersions(catalog),
    warehouse: icebergWarehouse(config),
    previousVersionsMax: config.catalog.iceberg_previous_versions_max,
    onError: (name, err) => app.log.warn({ dataset: name, err }, 'iceberg metadata not written'),
  })
  iceberg = writer
  compactor = newCompactor(deps, catalog, storage, app)
  const background = compactor
  app.addHook('onClose', async () => {
    await background.settle()
    await writer.settle()
    await catalog.settle()
    await peers.close()
  })
  registerDatasetRoutes(app, catalog)
  registerCompactRoute(app, background)
  registerIcebergRoutes(app, { catalog, writer, storage, config })
  registerVacuumRoute(app, () => vacuum(storage, catalog, { graceMs: config.catalog.vacuum_grace_ms }))
  return app
}

function newCompactor(deps: CatalogdDeps, catalog: Catalog, storage: CompactionStorage, app: App): Compactor {
  const { catalog: options } = deps.config
  return new Compactor({
    catalog,
    storage,
    limits: { targetBytes: options.compaction_target_bytes, minFiles: options.compaction_min_files },
    duckdb: { memoryLimit: options.compaction_duckdb_memory_limit, threads: options.compaction_duckdb_threads },
    tmpDir: dataPath(deps.config, undefined, 'tmp', 'compaction'),
    isAuto: options.compaction_auto,
    log: app.log,
    metrics: compactionMetrics(metricsRegistry(app)),
    ...(deps.beforeCompactionCommit ? { beforeCommit: deps.beforeCompactionCommit } : {}),
  })
}
