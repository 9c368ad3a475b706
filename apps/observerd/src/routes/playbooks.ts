import type { Playbooks } from '@lakehouse/playbook'
import type { App } from '@lakehouse/shared'
import { playbookRoutes } from '@lakehouse/shared/contracts/playbooks.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'

// HTTP for playbooks (DESIGN §9): seal (201, or 409 review_not_accepted), get, search, retire.

export function registerPlaybookRoutes(app: App, playbooks: Playbooks): void {
  app.route({
    ...routeOptions(playbookRoutes.seal),
    handler: async (req, reply) => {
      reply.status(201)
      return playbooks.seal(req.body)
    },
  })

  app.route({ ...routeOptions(playbookRoutes.search), handler: async (req) => playbooks.search(req.body) })

  app.route({
    ...routeOptions(playbookRoutes.get),
    handler: async (req) => playbooks.get(req.query.namespace, req.params.id),
  })

  app.route({
    ...routeOptions(playbookRoutes.retire),
    handler: async (req) => playbooks.retire(req.query.namespace, req.params.id, req.body.reason),
  })
}
