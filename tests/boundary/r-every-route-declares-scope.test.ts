import { declaredRoutes } from '@lakehouse/shared'
import { ALL_ROUTES } from '@lakehouse/shared/contracts/index.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, describe, expect, it } from 'vitest'
import { daemonApps, isForwarded } from './daemon-apps.ts'

// Rule (ADR-003): every route of every daemon declares the scope it needs, and each contract of
// ALL_ROUTES is registered, under its declared scope, by the daemon that owns it. The gateway's
// forwarding routes (one wildcard per owned prefix) declare a resolver instead of a fixed scope:
// the edge check, which decides per request from ALL_ROUTES (tested in r-scope-encoding-bypass).

const SCOPES = new Set(['open', 'read', 'write', 'admin'])
const config = testConfig()
afterAll(() => config.cleanup())

const BUILDERS = daemonApps(config)

const forwarded = isForwarded

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
