import { type App, type Config, createServer, peerReadyChecks, serviceClient } from '@lakehouse/shared'

// catalogd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface CatalogdDeps {
  config: Config
}

export function buildApp(deps: CatalogdDeps): App {
  const peers = (['storaged'] as const).map((peer) => serviceClient(deps.config, peer))
  const app = createServer({ service: 'catalogd', config: deps.config, readyChecks: peerReadyChecks(peers) })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  return app
}
