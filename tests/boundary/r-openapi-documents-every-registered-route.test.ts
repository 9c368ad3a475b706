import { type App, dataPath, declaredRoutes, ROUTE_PREFIXES } from '@lakehouse/shared'
import { interfaceRoutes } from '@lakehouse/shared/contracts/gateway.ts'
import { documentedRoutes } from '@lakehouse/shared/contracts/openapi.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp as catalogd } from '../../apps/catalogd/src/app.ts'
import { buildApp as embedd } from '../../apps/embedd/src/app.ts'
import { buildApp as gateway } from '../../apps/gateway/src/app.ts'
import { buildApp as ingestd } from '../../apps/ingestd/src/app.ts'
import { buildApp as observerd } from '../../apps/observerd/src/app.ts'
import { buildApp as queryd } from '../../apps/queryd/src/app.ts'
import { buildApp as storaged } from '../../apps/storaged/src/app.ts'
import { FsBackend } from '../../apps/storaged/src/fs-backend.ts'
import { buildApp as vectord } from '../../apps/vectord/src/app.ts'

// Rule (ADR-018): the OpenAPI document at /v1/openapi.json describes every route a daemon
// registers, not only the ones ALL_ROUTES lists: a route added to a daemon without a contract in a
// table the document is built from shows up here. Not counted: the HEAD twin Fastify adds to a
// GET, the gateway's forwarding wildcards (they serve the documented routes of the daemons) and
// the reference page's own assets under /docs.

const config = testConfig()
afterAll(() => config.cleanup())

const BUILDERS: Record<string, () => Promise<App>> = {
  storaged: async () => storaged({ config, backend: await FsBackend.open(dataPath(config, undefined, 'storage')) }),
  catalogd: async () => catalogd({ config }),
  ingestd: async () => ingestd({ config }),
  queryd: async () => queryd({ config }),
  embedd: async () => embedd({ config }),
  vectord: async () => vectord({ config }),
  observerd: async () => observerd({ config }),
  gateway: async () => gateway({ config }),
}

const documented = new Set(documentedRoutes().map(({ contract }) => `${contract.method} ${contract.url}`))
const forwarded = (url: string) =>
  Object.values(ROUTE_PREFIXES)
    .flat()
    .some((prefix) => url === prefix || url.startsWith(`${prefix}/`))

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
