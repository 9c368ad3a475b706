import { type App, type Config, createServer, type ServiceClient, serviceClient } from '@lakehouse/shared'
import { type EmbedClient, embedClient } from '@lakehouse/shared/clients/embed.ts'
import { PeerSet } from '@lakehouse/shared/clients/peers.ts'
import { type QueryClient, queryClient } from '@lakehouse/shared/clients/query.ts'
import { type StorageClient, storageClient } from '@lakehouse/shared/clients/storage.ts'

// observerd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5); the peers
// they will use are taken here, the way every app.ts takes them, and /ready checks them. vectord
// has no typed client yet: its base HTTP client stands in until vectord's issue adds one.

export interface ObserverdDeps {
  config: Config
  query?: QueryClient
  vectors?: ServiceClient
  embed?: EmbedClient
  storage?: StorageClient
}

export function buildApp(deps: ObserverdDeps): App {
  const { config } = deps
  const peers = new PeerSet()
  peers.use(deps.query, () => queryClient(config))
  peers.use(deps.vectors, () => serviceClient(config, 'vectord'))
  peers.use(deps.embed, () => embedClient(config))
  peers.use(deps.storage, () => storageClient(config))
  const app = createServer({ service: 'observerd', config, readyChecks: peers.readyChecks() })
  app.addHook('onClose', () => peers.close())
  return app
}
