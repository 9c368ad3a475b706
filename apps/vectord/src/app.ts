import { type App, type Config, createServer } from '@lakehouse/shared'
import { type EmbedClient, embedClient } from '@lakehouse/shared/clients/embed.ts'
import { PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { type QueryClient, queryClient } from '@lakehouse/shared/clients/query.ts'
import { type StorageClient, storageClient } from '@lakehouse/shared/clients/storage.ts'

// vectord: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5); the peers
// they will use are taken here, the way every app.ts takes them, and /ready checks them.

export interface VectordDeps {
  config: Config
  storage?: StorageClient
  embed?: EmbedClient
  query?: QueryClient
}

export function buildApp(deps: VectordDeps): App {
  const { config } = deps
  const peers = new PeerSet()
  peers.use(deps.storage, () => storageClient(config))
  peers.use(deps.embed, () => embedClient(config))
  peers.use(deps.query, () => queryClient(config))
  const app = createServer({ service: 'vectord', config, readyChecks: peers.readyChecks() })
  app.addHook('onClose', () => peers.close())
  return app
}
