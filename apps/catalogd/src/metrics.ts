import { Counter, type Registry } from '@lakehouse/shared/metrics.ts'

// catalogd's own figures (ADR-019): commits that took, and commits that lost their version to
// another writer and retried. A commit that gives up answers 409 and shows in http_requests_total.

export interface CatalogMetrics {
  onCommit: () => void
  onLostRace: () => void
}

export function catalogMetrics(registry: Registry): CatalogMetrics {
  const commits = new Counter({
    name: 'catalog_commits_total',
    help: 'Manifest commits that took (create, append, replace, delete)',
    registers: [registry],
  })
  const conflicts = new Counter({
    name: 'catalog_commit_conflicts_total',
    help: 'Commit attempts that lost their version to another writer (each is retried)',
    registers: [registry],
  })
  return { onCommit: () => commits.inc(), onLostRace: () => conflicts.inc() }
}
