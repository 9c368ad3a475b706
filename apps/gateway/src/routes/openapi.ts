import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { interfaceRoutes } from '@lakehouse/shared/contracts/gateway.ts'
import { openapiDocument } from '@lakehouse/shared/contracts/openapi.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { FastifyInstance } from 'fastify'

// GET /v1/openapi.json: the whole API's description, generated once from the route contracts
// (ADR-018). GET /docs: Swagger UI rendering it, every asset served from the gateway itself
// (swagger-ui-dist in node_modules), nothing from a CDN, and no call to the online validator.

export const API_VERSION = 'v1'

export async function registerOpenapi(app: FastifyInstance): Promise<void> {
  const document = openapiDocument(API_VERSION)
  app.route({ ...routeOptions(interfaceRoutes.openapi), handler: async () => document })
  await app.register(async (docs) => {
    // The page's own assets (/docs/static/*, /docs/json, ...) are as open as /docs: they are
    // the same public description, and a browser sends no bearer token.
    docs.addHook('onRoute', (route) => {
      if (route.url.startsWith(interfaceRoutes.docs.url)) route.config = { ...route.config, scope: 'open' }
    })
    await docs.register(swagger, { mode: 'static', specification: { document: document as never } })
    await docs.register(swaggerUi, {
      routePrefix: interfaceRoutes.docs.url,
      uiConfig: { validatorUrl: null, deepLinking: true },
    })
  })
}
