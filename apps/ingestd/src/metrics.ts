import { Counter, DURATION_BUCKETS_S, Gauge, Histogram, type Registry } from '@lakehouse/shared/metrics.ts'
import type { EngineMemory } from './engine-memory.ts'
import type { IngestDone } from './ingest.ts'

// ingestd's own figures (ADR-019): rows and upload bytes committed, and where each ingest's time
// went by phase (receive, describe, convert, store, commit: the PhaseClock's names, a fixed set).

export function ingestMetrics(registry: Registry, memory: () => Promise<EngineMemory>): (done: IngestDone) => void {
  new Gauge({
    name: 'ingest_duckdb_memory_bytes',
    help: "Bytes DuckDB's buffers hold (bounded by ingest.duckdb_memory_limit; more spills to disk)",
    registers: [registry],
    async collect() {
      this.set((await memory()).used_bytes)
    },
  })
  const ingests = new Counter({ name: 'ingest_total', help: 'Ingests that committed', registers: [registry] })
  const rows = new Counter({ name: 'ingest_rows_total', help: 'Rows committed by ingests', registers: [registry] })
  const bytes = new Counter({
    name: 'ingest_upload_bytes_total',
    help: 'Upload bytes of ingests that committed',
    registers: [registry],
  })
  const phases = new Histogram({
    name: 'ingest_phase_duration_seconds',
    help: 'Time spent in each phase of an ingest that committed',
    labelNames: ['phase'],
    buckets: DURATION_BUCKETS_S,
    registers: [registry],
  })
  return (done) => {
    ingests.inc()
    rows.inc(done.rows)
    bytes.inc(done.bytes)
    for (const [phase, ms] of Object.entries(done.phaseMs)) phases.observe({ phase }, ms / 1000)
  }
}
