import {
  type App,
  type Config,
  createServer,
  type PeerDaemon,
  peerReadyChecks,
  type ServiceClient,
  serviceClient,
} from '@lakehouse/shared'
import { registerEdgeScopes } from './edge-scope.ts'
import { registerRateLimit } from './rate-limit.ts'
import { registerForwarding } from './routes/forward.ts'
import { registerHealthPassthrough } from './routes/health.ts'
import { registerMcp } from './routes/mcp.ts'
import { registerOpenapi } from './routes/openapi.ts'

// gateway: the one public entry (DESIGN §4). Auth and request ids come from the server factory;
// every /v1/<prefix>/… request is forwarded byte for byte to the daemon that owns it.

export interface GatewayDeps {
  config: Config
}

const PEERS: readonly PeerDaemon[] = ['storaged', 'catalogd', 'ingestd', 'queryd', 'vectord', 'embedd', 'observerd']

export async function buildApp(deps: GatewayDeps): Promise<App> {
  const { config } = deps
  const peers = PEERS.map((peer) => serviceClient(config, peer))
  const app = createServer({
    service: 'gateway',
    config,
    readyChecks: peerReadyChecks(peers),
    isCurlJsonAccepted: false,
  })
  app.addHook('onClose', async () => {
    await Promise.all(peers.map((peer) => peer.close()))
  })
  registerEdgeScopes(app)
  await registerRateLimit(app, config.gateway)
  const byName = new Map(PEERS.map((name, i) => [name, peers[i] as ServiceClient]))
  registerHealthPassthrough(app, byName)
  registerMcp(app, byName)
  await registerOpenapi(app)
  await registerForwarding(app, config, { timeoutMs: config.gateway.upstream_timeout_ms })
  return app
}
