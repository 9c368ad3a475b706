import { type App, type Config, createServer, peerReadyChecks, serviceClient } from '@lakehouse/shared'
import { openPlaybooks } from './playbooks.ts'
import { openObserver } from './reviews.ts'
import { registerPlaybookRoutes } from './routes/playbooks.ts'
import { registerReviewRoutes } from './routes/reviews.ts'

// observerd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface ObserverdDeps {
  config: Config
}

export function buildApp(deps: ObserverdDeps): App {
  const reviews = openObserver(deps.config)
  const peers = (['queryd', 'vectord', 'embedd', 'storaged'] as const).map((peer) => serviceClient(deps.config, peer))
  const app = createServer({ service: 'observerd', config: deps.config, readyChecks: peerReadyChecks(peers) })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  app.addHook('onClose', reviews.close)
  registerReviewRoutes(app, reviews.observer)
  const memory = openPlaybooks(deps.config, reviews.observer, app.log)
  app.addHook('onClose', memory.close)
  registerPlaybookRoutes(app, memory.playbooks)
  return app
}
