import type { App } from '@lakehouse/shared'
import { catalogRoutes } from '@lakehouse/shared/contracts/catalog.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Compactor } from '../compaction/compactor.ts'

// POST /v1/catalog/datasets/:name/compact (write, ADR-022): one compaction pass now. Answers the
// new version, or `compacted: false` with the reason and the latest version unchanged; 404 for an
// unknown dataset, 409 compaction_conflict when another writer removed an input file meanwhile.

export function registerCompactRoute(app: App, compactor: Compactor): void {
  app.route({
    ...routeOptions(catalogRoutes.compact),
    handler: async (req) => compactor.compact(req.params.name),
  })
}
