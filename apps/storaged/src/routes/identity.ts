import type { App } from '@lakehouse/shared'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import { storageRoutes } from '@lakehouse/shared/contracts/storage.ts'
import type { ObjectBackend } from '../backend.ts'

// GET /v1/storage/identity: which backend answers, and the fs backend's folder id, so that queryd
// on the same host can tell whether the folder it sees is this one (ADR-034).

export function registerIdentityRoute(app: App, backend: ObjectBackend): void {
  app.route({
    ...routeOptions(storageRoutes.identity),
    handler: async () => ({ backend: backend.kind, folder_id: backend.folderId ?? null }),
  })
}
