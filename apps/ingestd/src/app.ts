import { type App, type Config, createServer, peerReadyChecks, serviceClient } from '@lakehouse/shared'

// ingestd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface IngestdDeps {
  config: Config
}

export function buildApp(deps: IngestdDeps): App {
  const peers = (['storaged', 'catalogd'] as const).map((peer) => serviceClient(deps.config, peer))
  const app = createServer({ service: 'ingestd', config: deps.config, readyChecks: peerReadyChecks(peers) })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  return app
}
