import { type App, type Config, createServer, metricsRegistry } from '@lakehouse/shared'
import type { ObjectBackend } from './backend.ts'
import { FsBackend } from './fs-backend.ts'
import { listingMetrics, storageMetrics } from './metrics.ts'
import { ObjectService } from './objects.ts'
import { registerIdentityRoute } from './routes/identity.ts'
import { registerListRoute } from './routes/list.ts'
import { registerObjectRoutes } from './routes/objects.ts'

// storaged: objects on a local folder or S3 (DESIGN §4, §5 "storage"). The backend is opened by
// the caller (main.ts via openBackend, or a test) and closed with the app.

export interface StoragedDeps {
  config: Config
  backend: ObjectBackend
}

export async function buildApp(deps: StoragedDeps): Promise<App> {
  const { config, backend } = deps
  const app = createServer({
    service: 'storaged',
    config,
    readyChecks: { [`backend_${backend.kind}`]: () => backend.check() },
  })
  const registry = metricsRegistry(app)
  const objects = new ObjectService(backend, config.storage.max_object_bytes, storageMetrics(registry))
  if (backend instanceof FsBackend) listingMetrics(registry, backend.listing)
  await registerObjectRoutes(app, objects)
  registerListRoute(app, objects)
  registerIdentityRoute(app, backend)
  app.addHook('onClose', async () => {
    await backend.close()
  })
  return app
}
