import { Counter, Gauge, type Registry } from '@lakehouse/shared/metrics.ts'
import type { CacheBytes } from './catalog-cache.ts'

// catalogd's own figures (ADR-019): commits that took, and commits that lost their version to
// another writer and retried. A commit that gives up answers 409 and shows in http_requests_total.
// And the bytes each of its memory caches holds (ADR-020), read when scraped.

export interface CatalogMetrics {
  onCommit: () => void
  onLostRace: () => void
}

export function catalogMetrics(
  registry: Registry,
  cacheBytes: () => CacheBytes & { idempotency: number },
): CatalogMetrics {
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
  new Gauge({
    name: 'catalog_cache_bytes',
    help: 'Approximate bytes held by each catalogd memory cache (bounded by catalog.manifest_cache_bytes)',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [cache, bytes] of Object.entries(cacheBytes())) this.set({ cache }, bytes)
    },
  })
  return { onCommit: () => commits.inc(), onLostRace: () => conflicts.inc() }
}
