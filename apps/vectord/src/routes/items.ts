import type { App } from '@lakehouse/shared'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import { vectorRoutes } from '@lakehouse/shared/contracts/vectors.ts'
import type { IndexStore } from '../index-store.ts'

// HTTP for items and search (DESIGN §5 "vectors"). An upsert or delete answers only once its WAL
// entry is stored (ADR-011).

export function registerItemRoutes(app: App, store: IndexStore): void {
  app.route({
    ...routeOptions(vectorRoutes.upsert),
    handler: async (req) => ({ upserted: await store.upsert(req.params.name, req.body.items) }),
  })

  app.route({
    ...routeOptions(vectorRoutes.deleteItems),
    handler: async (req) => ({ deleted: await store.deleteItems(req.params.name, req.body.ids) }),
  })

  app.route({
    ...routeOptions(vectorRoutes.search),
    handler: async (req) => ({ hits: await store.search(req.params.name, req.body) }),
  })

  app.route({
    ...routeOptions(vectorRoutes.getItem),
    handler: async (req) => store.getItem(req.params.name, req.params.id),
  })
}
