import type { App } from '@lakehouse/shared'
import type { VacuumResult } from '@lakehouse/shared/clients/catalog.ts'
import { z } from 'zod'

// POST /v1/catalog/vacuum (admin scope, see packages/shared/src/scopes.ts): removes unreferenced
// data files past the grace period. The body is empty or an empty object.

const vacuumBody = z.strictObject({}).nullish()

export function registerVacuumRoute(app: App, runVacuum: () => Promise<VacuumResult>): void {
  app.post('/v1/catalog/vacuum', { schema: { body: vacuumBody } }, async () => runVacuum())
}
