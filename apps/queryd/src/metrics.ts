import {
  Counter,
  DURATION_BUCKETS_S,
  Gauge,
  Histogram,
  type Registry,
  tallyCounter,
} from '@lakehouse/shared/metrics.ts'
import type { ParquetCache } from './parquet-cache.ts'
import type { RunEnded } from './query-engine.ts'

// queryd's own figures (ADR-019): how long runs take (rows streamed included), how many ran past
// their timeout, and how often the Parquet cache had a file already (read from the cache's own
// tallies at scrape time, so the cache stays free of prom-client).

export interface QueryMetrics {
  onRunEnded: (run: RunEnded) => void
  /** The cache to report on: created after the metrics (it needs the service's configuration). */
  watchCache: (cache: ParquetCache | undefined) => void
}

export function queryMetrics(registry: Registry): QueryMetrics {
  let cache: ParquetCache | undefined
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
  tallyCounter(registry, 'query_parquet_cache_lookups_total', 'Data files asked of the Parquet cache', () =>
    cache ? cache.lookups : 0,
  )
  tallyCounter(registry, 'query_parquet_cache_fetches_total', 'Data files downloaded from storaged (misses)', () =>
    cache ? cache.fetches : 0,
  )
  new Gauge({
    name: 'query_parquet_cache_hit_ratio',
    help: 'Share of Parquet cache lookups served without a download, since start (1 before any lookup)',
    registers: [registry],
    collect() {
      const lookups = cache?.lookups ?? 0
      this.set(lookups === 0 ? 1 : 1 - (cache?.fetches ?? 0) / lookups)
    },
  })
  new Gauge({
    name: 'query_parquet_cache_bytes',
    help: 'Bytes of Parquet files in the local cache',
    registers: [registry],
    collect() {
      this.set(cache?.bytes ?? 0)
    },
  })
  return {
    onRunEnded: (run) => {
      durations.observe(run.ms / 1000)
      if (run.isTimedOut) timeouts.inc()
    },
    watchCache: (watched) => {
      cache = watched
    },
  }
}
