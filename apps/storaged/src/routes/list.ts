import type { App } from '@lakehouse/shared'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import { storageRoutes } from '@lakehouse/shared/contracts/storage.ts'
import type { ObjectService } from '../objects.ts'

// GET /v1/storage/objects?prefix=&cursor=&limit= (DESIGN §5 "storage"): one page in key order.

export function registerListRoute(app: App, objects: ObjectService): void {
  app.route({
    ...routeOptions(storageRoutes.listObjects),
    handler: async (req) => objects.list(req.query.prefix, req.query.cursor, req.query.limit),
  })
}
