import type { App } from '@lakehouse/shared'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import { vectorRoutes } from '@lakehouse/shared/contracts/vectors.ts'
import type { IndexStore } from '../index-store.ts'
import type { JobRunner } from '../jobs.ts'

// HTTP for indexes and from-dataset jobs (DESIGN §5 "vectors"): validate, call the store, answer.

export function registerIndexRoutes(app: App, store: IndexStore, jobs: JobRunner): void {
  app.route({
    ...routeOptions(vectorRoutes.createIndex),
    handler: async (req, reply) => {
      reply.status(201)
      return store.create(req.body)
    },
  })

  app.route({ ...routeOptions(vectorRoutes.listIndexes), handler: async () => ({ indexes: store.list() }) })

  app.route({
    ...routeOptions(vectorRoutes.getIndex),
    handler: async (req) => store.info(store.get(req.params.name)),
  })

  app.route({
    ...routeOptions(vectorRoutes.deleteIndex),
    handler: async (req, reply) => {
      await store.delete(req.params.name)
      reply.status(204)
    },
  })

  app.route({
    ...routeOptions(vectorRoutes.fromDataset),
    handler: async (req, reply) => {
      const job = await jobs.start(req.params.name, req.body)
      reply.status(202)
      return job
    },
  })
}
