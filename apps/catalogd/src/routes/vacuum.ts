import type { App } from '@lakehouse/shared'
import { catalogRoutes, type VacuumResult } from '@lakehouse/shared/contracts/catalog.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'

// POST /v1/catalog/vacuum (admin): removes unreferenced data files past the grace period.
// The body is empty or an empty object.

export function registerVacuumRoute(app: App, runVacuum: () => Promise<VacuumResult>): void {
  app.route({ ...routeOptions(catalogRoutes.vacuum), handler: async () => runVacuum() })
}
