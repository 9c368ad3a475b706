import { type EmbedPort, type LogStorage, Pathway, type VectorPort } from '@lakehouse/pathway'
import { type App, type Config, createServer, metricsRegistry, readyDetails } from '@lakehouse/shared'
import { type CatalogClient, catalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { embedClient } from '@lakehouse/shared/clients/embed.ts'
import { PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { type QueryClient, queryClient } from '@lakehouse/shared/clients/query.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { vectorClient } from '@lakehouse/shared/clients/vectors.ts'
import { reviewMetrics } from './metrics.ts'
import { openPlaybooks } from './playbooks.ts'
import { openObserver, refuseUnsafeFailOpen } from './reviews.ts'
import { registerPlaybookRoutes } from './routes/playbooks.ts'
import { registerReviewRoutes } from './routes/reviews.ts'
import { registerTraceRoutes } from './routes/traces.ts'

// observerd: pathway memory under /v1/memory/traces (DESIGN §9, ADR-004), reviews under
// /v1/observer and playbooks under /v1/memory/playbooks (ADR-015). Its peers come in as deps (tests hand in fakes or a real storaged)
// or are made from the configuration; /ready checks them and names quarantined memory events.

export interface ObserverdDeps {
  config: Config
  query?: QueryClient
  storage?: LogStorage
  embed?: EmbedPort
  vectors?: VectorPort
  now?: () => string
  newUid?: () => string
}

export function buildApp(deps: ObserverdDeps): App {
  const { config } = deps
  refuseUnsafeFailOpen(config) // before any client is made
  const peers = new PeerSet()
  const query = peers.use(deps.query, () => queryClient(config))
  // catalogd: every review pins its check to the catalog's generation (ADR-015).
  const catalog = peers.use<CatalogClient>(undefined, () => catalogClient(config))
  const storage = peers.use(deps.storage, () => storageClient(config))
  const embed = peers.use(deps.embed, () => embedClient(config))
  const vectors = peers.use(deps.vectors, () => vectorClient(config))
  const pathway = new Pathway({
    storage,
    embed,
    vectors,
    snapshotEvery: config.memory.snapshot_every,
    maxAppendAttempts: config.memory.max_append_attempts,
    ...(config.memory.embed_model ? { embedModel: config.memory.embed_model } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newUid ? { newUid: deps.newUid } : {}),
    log: { warn: (details, message) => app.log.warn(details, message) },
  })
  const app = createServer({
    service: 'observerd',
    config,
    readyChecks: {
      ...peers.readyChecks(),
      // Quarantined memory events are reported, not fatal: the rest of the memory serves (ADR-004).
      pathway: async () => {
        const status = await pathway.status()
        return readyDetails({ namespaces_loaded: status.namespaces.length, quarantined: status.quarantined })
      },
    },
  })
  app.addHook('onClose', () => peers.close())
  registerTraceRoutes(app, pathway)
  const observer = openObserver(config, { query, catalog, store: storage }, reviewMetrics(metricsRegistry(app)))
  registerReviewRoutes(app, observer)
  const memoryLog = { warn: (details: object, message: string) => app.log.warn(details, message) }
  registerPlaybookRoutes(app, openPlaybooks({ config, reviews: observer, storage, embed, vectors, log: memoryLog }))
  return app
}
