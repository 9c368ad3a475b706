import { type App, type Config, createServer, peerReadyChecks, serviceClient } from '@lakehouse/shared'

// queryd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface QuerydDeps {
  config: Config
}

export function buildApp(deps: QuerydDeps): App {
  const peers = (['catalogd', 'storaged'] as const).map((peer) => serviceClient(deps.config, peer))
  const app = createServer({ service: 'queryd', config: deps.config, readyChecks: peerReadyChecks(peers) })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  return app
}
