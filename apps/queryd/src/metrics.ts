import {
  Counter,
  DURATION_BUCKETS_S,
  Gauge,
  Histogram,
  type Registry,
  tallyCounter,
} from '@lakehouse/shared/metrics.ts'
import type { QueryPhases, RunEnded } from './query-engine.ts'
import type { QueryService } from './query-service.ts'

// queryd's own figures (ADR-019): how long runs take (rows streamed included), how many ran past
// their timeout, and how often the Parquet cache had a file already (read from the cache's own
// tallies at scrape time, so the cache stays free of prom-client). ADR-021 adds where a query's
// time goes before its first row (per phase), the round trips of the freshness check, and the
// bytes each bounded memory holds (the caches and DuckDB's own memory by tag).

export interface QueryMetrics {
  onRunEnded: (run: RunEnded) => void
  onPhases: (phases: QueryPhases) => void
  /** The service to report on: created after the metrics (it needs the service's configuration). */
  watch: (service: QueryService) => void
}

const PHASE_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

export function queryMetrics(registry: Registry): QueryMetrics {
  let service: QueryService | undefined
  const cache = () => service?.cache
  const durations = new Histogram({
    name: 'query_duration_seconds',
    help: 'Time from a run start to its end, rows streamed included (runs that passed the checks)',
    buckets: DURATION_BUCKETS_S,
    registers: [registry],
  })
  const timeouts = new Counter({
    name: 'query_timeouts_total',
    help: 'Runs stopped because they ran past their timeout_ms',
    registers: [registry],
  })
  const phases = new Histogram({
    name: 'query_phase_seconds',
    help: 'Time of each phase before a run streams: connect, guard, freshness, lease, prepare, execute',
    labelNames: ['phase'],
    buckets: PHASE_BUCKETS_S,
    registers: [registry],
  })
  tallyCounter(registry, 'query_parquet_cache_lookups_total', 'Data files asked of the Parquet cache', () =>
    cache() ? (cache()?.lookups ?? 0) : 0,
  )
  tallyCounter(registry, 'query_parquet_cache_fetches_total', 'Data files downloaded from storaged (misses)', () =>
    cache() ? (cache()?.fetches ?? 0) : 0,
  )
  tallyCounter(registry, 'query_freshness_heads_total', 'Commit objects HEADed in storage to check freshness', () =>
    service ? service.views.probe.heads : 0,
  )
  tallyCounter(registry, 'query_manifest_reads_total', 'Manifests asked of catalogd (a dataset moved)', () =>
    service ? service.views.manifestReads : 0,
  )
  tallyCounter(registry, 'query_guard_cache_hits_total', 'Statements whose guard verdict was cached', () =>
    service ? service.engine.guardCache.hits : 0,
  )
  tallyCounter(registry, 'query_pool_reuses_total', 'Runs served by a pooled DuckDB connection (ADR-025)', () =>
    service ? service.engine.pool.reused : 0,
  )
  tallyCounter(registry, 'query_statement_cache_hits_total', 'Runs that used a kept prepared statement', () =>
    service ? service.engine.pool.statementHits : 0,
  )
  new Gauge({
    name: 'query_pool_idle_connections',
    help: 'Idle DuckDB connections in the pool (bounded by query.pool_connections)',
    registers: [registry],
    collect() {
      this.set(service?.engine.pool.idle ?? 0)
    },
  })
  new Gauge({
    name: 'query_parquet_cache_hit_ratio',
    help: 'Share of Parquet cache lookups served without a download, since start (1 before any lookup)',
    registers: [registry],
    collect() {
      const lookups = cache()?.lookups ?? 0
      this.set(lookups === 0 ? 1 : 1 - (cache()?.fetches ?? 0) / lookups)
    },
  })
  new Gauge({
    name: 'query_parquet_cache_bytes',
    help: 'Bytes of Parquet files in the local cache',
    registers: [registry],
    collect() {
      this.set(cache()?.bytes ?? 0)
    },
  })
  new Gauge({
    name: 'query_guard_cache_bytes',
    help: 'Bytes of statement-guard verdicts cached by SQL text (bounded by query.guard_cache_bytes)',
    registers: [registry],
    collect() {
      this.set(service?.engine.guardCache.bytes ?? 0)
    },
  })
  new Gauge({
    name: 'query_views',
    help: 'Dataset views that exist in DuckDB now (created lazily, ADR-021)',
    registers: [registry],
    collect() {
      this.set(service?.views.names.length ?? 0)
    },
  })
  new Gauge({
    name: 'query_duckdb_memory_bytes',
    help: "DuckDB's own memory by tag (duckdb_memory()), bounded by query.memory_limit",
    labelNames: ['tag'],
    registers: [registry],
    async collect() {
      if (!service) return
      for (const { tag, bytes } of await service.duckdbMemory()) this.set({ tag }, bytes)
    },
  })
  return {
    onRunEnded: (run) => {
      durations.observe(run.ms / 1000)
      if (run.isTimedOut) timeouts.inc()
    },
    onPhases: (run) => {
      for (const [phase, ms] of Object.entries(run)) phases.observe({ phase }, ms / 1000)
    },
    watch: (watched) => {
      service = watched
    },
  }
}
