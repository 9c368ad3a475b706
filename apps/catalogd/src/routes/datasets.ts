import type { App } from '@lakehouse/shared'
import { catalogRoutes } from '@lakehouse/shared/contracts/catalog.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Catalog } from '../catalog.ts'

// HTTP for datasets (DESIGN §5 "catalog"): validate, call the catalog, return what it answers.
// Names are checked by the domain, so a bad one is 400 invalid_name rather than invalid_request.

export function registerDatasetRoutes(app: App, catalog: Catalog): void {
  app.route({ ...routeOptions(catalogRoutes.listDatasets), handler: async () => catalog.listDatasets() })

  app.route({
    ...routeOptions(catalogRoutes.generation),
    handler: async () => ({ generation: await catalog.generation() }),
  })

  app.route({
    ...routeOptions(catalogRoutes.getManifest),
    handler: async (req) => catalog.getManifest(req.params.name, req.query.version),
  })

  app.route({
    ...routeOptions(catalogRoutes.listVersions),
    handler: async (req) => catalog.listVersions(req.params.name),
  })

  app.route({
    ...routeOptions(catalogRoutes.commit),
    handler: async (req, reply) => {
      reply.status(201)
      return catalog.commit(req.params.name, req.body)
    },
  })

  app.route({
    ...routeOptions(catalogRoutes.deleteDataset),
    handler: async (req) => catalog.deleteDataset(req.params.name),
  })
}
