import { type App, type Config, createServer, peerReadyChecks, serviceClient } from '@lakehouse/shared'

// observerd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface ObserverdDeps {
  config: Config
}

export function buildApp(deps: ObserverdDeps): App {
  const peers = (['queryd', 'vectord', 'embedd', 'storaged'] as const).map((peer) => serviceClient(deps.config, peer))
  const app = createServer({ service: 'observerd', config: deps.config, readyChecks: peerReadyChecks(peers) })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  return app
}
