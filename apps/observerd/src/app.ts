import { type EmbedPort, type LogStorage, Pathway, type VectorPort } from '@lakehouse/pathway'
import { type App, type Config, createServer, peerReadyChecks, readyDetails, serviceClient } from '@lakehouse/shared'
import { embedClient } from '@lakehouse/shared/clients/embed.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { vectorClient } from '@lakehouse/shared/clients/vectors.ts'
import { registerTraceRoutes } from './routes/traces.ts'

// observerd: pathway memory under /v1/memory/traces (DESIGN §9, ADR-004). Reviews and playbooks
// arrive with their own issue. Storage, embedd and vectord come in as deps (the clients by
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
  const peers = (['queryd', 'vectord', 'embedd', 'storaged'] as const).map((peer) => serviceClient(config, peer))
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
  const pathway = new Pathway({
    storage: client(deps.storage, 'storaged'),
    embed: client(deps.embed, 'embedd'),
    vectors: client(deps.vectors, 'vectord'),
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
  return app
}
