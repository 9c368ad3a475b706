import type { Pathway } from '@lakehouse/pathway'
import type { App } from '@lakehouse/shared'
import { memoryRoutes } from '@lakehouse/shared/contracts/memory.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'

// HTTP for pathway traces (DESIGN §9, ADR-004): validate, call the pathway, answer what it says.
// The namespace comes in the body of ADD and search and as ?namespace= everywhere else.

export function registerTraceRoutes(app: App, pathway: Pathway): void {
  app.route({
    ...routeOptions(memoryRoutes.addTrace),
    handler: async (req, reply) => {
      const answer = await pathway.add(req.body)
      reply.status(answer.event === 'NOOP' ? 200 : 201)
      return answer
    },
  })

  app.route({ ...routeOptions(memoryRoutes.listTraces), handler: async (req) => pathway.list(req.query) })

  app.route({ ...routeOptions(memoryRoutes.searchTraces), handler: async (req) => pathway.search(req.body) })

  app.route({
    ...routeOptions(memoryRoutes.getTrace),
    handler: async (req) => pathway.get(req.query.namespace, req.params.uid),
  })

  app.route({
    ...routeOptions(memoryRoutes.updateTrace),
    handler: async (req) => pathway.update(req.query.namespace, req.params.uid, req.body),
  })

  app.route({
    ...routeOptions(memoryRoutes.reviseTrace),
    handler: async (req, reply) => {
      reply.status(201)
      return pathway.revise(req.query.namespace, req.params.uid, req.body)
    },
  })

  app.route({
    ...routeOptions(memoryRoutes.retireTrace),
    handler: async (req) => pathway.retire(req.query.namespace, req.params.uid, req.body.reason),
  })

  app.route({
    ...routeOptions(memoryRoutes.traceHistory),
    handler: async (req) => pathway.history(req.query.namespace, req.params.uid),
  })

  app.route({
    ...routeOptions(memoryRoutes.replayTrace),
    handler: async (req) => pathway.replay(req.query.namespace, req.params.uid, req.body.replay_id),
  })

  app.route({
    ...routeOptions(memoryRoutes.reparentTrace),
    handler: async (req) => pathway.reparent(req.query.namespace, req.params.uid, req.body.parent),
  })
}
