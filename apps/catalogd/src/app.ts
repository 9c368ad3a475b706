import { type App, type Config, createServer } from '@lakehouse/shared'
import { type Peer, PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { Catalog } from './catalog.ts'
import { registerDatasetRoutes } from './routes/datasets.ts'
import { registerVacuumRoute } from './routes/vacuum.ts'
import type { CatalogStorage } from './storage-port.ts'
import { vacuum } from './vacuum.ts'

// catalogd: versioned dataset manifests over storaged (DESIGN §4, §5, §6; ADR-005).

export interface CatalogdDeps {
  config: Config
  /** Storage to keep the catalog in; storaged's client (peers.storaged) when not given. */
  storage?: CatalogStorage & Peer
  now?: () => string
}

export function buildApp(deps: CatalogdDeps): App {
  const { config } = deps
  const peers = new PeerSet()
  const storage = peers.use(deps.storage, () => storageClient(config))
  const catalog = new Catalog(storage, {
    maxCommitAttempts: config.catalog.max_commit_attempts,
    manifestCacheEntries: config.catalog.manifest_cache_entries,
    ...(deps.now ? { now: deps.now } : {}),
  })
  const app = createServer({ service: 'catalogd', config, readyChecks: peers.readyChecks() })
  app.addHook('onClose', () => peers.close())
  registerDatasetRoutes(app, catalog)
  registerVacuumRoute(app, () => vacuum(storage, catalog, { graceMs: config.catalog.vacuum_grace_ms }))
  return app
}
