import { type App, type Config, createServer, peerReadyChecks, serviceClient } from '@lakehouse/shared'

// vectord: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface VectordDeps {
  config: Config
}

export function buildApp(deps: VectordDeps): App {
  const peers = (['storaged', 'embedd', 'queryd'] as const).map((peer) => serviceClient(deps.config, peer))
  const app = createServer({ service: 'vectord', config: deps.config, readyChecks: peerReadyChecks(peers) })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  return app
}
