import { type EmbedPort, type LogStorage, Pathway, type VectorPort } from '@lakehouse/pathway'
import { type App, type Config, createServer, peerReadyChecks, readyDetails, serviceClient } from '@lakehouse/shared'
import { embedClient } from '@lakehouse/shared/clients/embed.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { vectorClient } from '@lakehouse/shared/clients/vectors.ts'
import { openPlaybooks } from './playbooks.ts'
import { openObserver } from './reviews.ts'
import { registerPlaybookRoutes } from './routes/playbooks.ts'
import { registerReviewRoutes } from './routes/reviews.ts'
import { registerTraceRoutes } from './routes/traces.ts'

// observerd: pathway memory under /v1/memory/traces (DESIGN §9, ADR-004), reviews under
// /v1/observer and playbooks under /v1/memory/playbooks (ADR-015). Storage, embedd and vectord come in as deps (the clients by
// default), so tests hand in fakes or a real storaged.

export interface ObserverdDeps {
  config: Config
  storage?: LogStorage
  embed?: EmbedPort
  vectors?: VectorPort
  now?: () => string
  newUid?: () => string
}

export function buildApp(deps: ObserverdDeps): App {
  const { config } = deps
  const reviews = openObserver(config) // first: it refuses an unsafe fail-open before anything opens
  const peers = (['queryd', 'catalogd', 'vectord', 'embedd', 'storaged'] as const).map((peer) =>
    serviceClient(config, peer),
  )
  const owned = [
    ...(deps.storage ? [] : [storageClient(config)]),
    ...(deps.embed ? [] : [embedClient(config)]),
    ...(deps.vectors ? [] : [vectorClient(config)]),
  ]
  const client = <T>(given: T | undefined, service: string): T =>
    given ?? (owned.find((c) => c.service === service) as unknown as T)
  const app = createServer({
    service: 'observerd',
    config,
    readyChecks: {
      ...peerReadyChecks(peers),
      // Quarantined memory events are reported, not fatal: the rest of the memory serves (ADR-004).
      pathway: async () => {
        const status = await pathway.status()
        return readyDetails({ namespaces_loaded: status.namespaces.length, quarantined: status.quarantined })
      },
    },
  })
  const memoryPorts = {
    storage: client(deps.storage, 'storaged'),
    embed: client(deps.embed, 'embedd'),
    vectors: client(deps.vectors, 'vectord'),
  }
  const pathway = new Pathway({
    ...memoryPorts,
    log: app.log,
    snapshotEvery: config.memory.snapshot_every,
    maxAppendAttempts: config.memory.max_append_attempts,
    ...(config.memory.embed_model ? { embedModel: config.memory.embed_model } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newUid ? { newUid: deps.newUid } : {}),
  })
  app.addHook('onClose', async () => {
    await Promise.all([...peers, ...owned].map((c) => c.close()))
  })
  registerTraceRoutes(app, pathway)
  app.addHook('onClose', reviews.close)
  registerReviewRoutes(app, reviews.observer)
  const playbooks = openPlaybooks({ config, reviews: reviews.observer, log: app.log, ...memoryPorts })
  registerPlaybookRoutes(app, playbooks)
  return app
}
