import { type App, dataPath, declaredRoutes, ROUTE_PREFIXES } from '@lakehouse/shared'
import { ALL_ROUTES } from '@lakehouse/shared/contracts/index.ts'
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

// Rule (ADR-003): every route of every daemon declares the scope it needs, and each contract of
// ALL_ROUTES is registered, under its declared scope, by the daemon that owns it. The gateway's
// forwarding routes (one wildcard per owned prefix) declare a resolver instead of a fixed scope:
// the edge check, which decides per request from ALL_ROUTES (tested in r-scope-encoding-bypass).

const SCOPES = new Set(['open', 'read', 'write', 'admin'])
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

const forwarded = (url: string) =>
  Object.values(ROUTE_PREFIXES)
    .flat()
    .some((prefix) => url === prefix || url.startsWith(`${prefix}/`))

describe('r-every-route-declares-scope', () => {
  for (const [daemon, build] of Object.entries(BUILDERS)) {
    it(`${daemon}: every registered route declares a scope`, async () => {
      const app = await build()
      try {
        const routes = declaredRoutes(app)
        expect(routes.map((r) => `${r.method} ${r.url}`)).toContain('GET /health')
        const undeclared = routes.filter((r) =>
          daemon === 'gateway' && forwarded(r.url) ? typeof r.scope !== 'function' : !SCOPES.has(r.scope as string),
        )
        expect(undeclared).toEqual([])
        for (const { contract } of ALL_ROUTES.filter((route) => route.daemon === daemon)) {
          expect(routes).toContainEqual({ method: contract.method, url: contract.url, scope: contract.scope })
        }
        await app.ready()
      } finally {
        await app.close()
      }
    })
  }
})
