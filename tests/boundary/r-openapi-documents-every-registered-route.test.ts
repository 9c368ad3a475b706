import { declaredRoutes } from '@lakehouse/shared'
import { interfaceRoutes } from '@lakehouse/shared/contracts/gateway.ts'
import { documentedRoutes } from '@lakehouse/shared/contracts/openapi.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, describe, expect, it } from 'vitest'
import { daemonApps, isForwarded } from './daemon-apps.ts'

// Rule (ADR-018): the OpenAPI document at /v1/openapi.json describes every route a daemon
// registers, not only the ones ALL_ROUTES lists: a route added to a daemon without a contract in a
// table the document is built from shows up here. Not counted: the HEAD twin Fastify adds to a
// GET, the gateway's forwarding wildcards (they serve the documented routes of the daemons) and
// the reference page's own assets under /docs.

const config = testConfig()
afterAll(() => config.cleanup())

const BUILDERS = daemonApps(config)

const documented = new Set(documentedRoutes().map(({ contract }) => `${contract.method} ${contract.url}`))
const forwarded = isForwarded

describe('r-openapi-documents-every-registered-route', () => {
  for (const [daemon, build] of Object.entries(BUILDERS)) {
    it(`${daemon}: every registered route is in the OpenAPI document`, async () => {
      const app = await build()
      try {
        const missing = declaredRoutes(app)
          .filter(({ method, url }) => !(method === 'HEAD' && documented.has(`GET ${url}`)))
          .filter(({ url }) => !(daemon === 'gateway' && forwarded(url)))
          .filter(({ url }) => !(daemon === 'gateway' && url.startsWith(`${interfaceRoutes.docs.url}/`)))
          .map(({ method, url }) => `${method} ${url}`)
          .filter((route) => !documented.has(route))
        expect(missing).toEqual([])
      } finally {
        await app.close()
      }
    })
  }
})
