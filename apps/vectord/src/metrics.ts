import { Gauge, type Registry } from '@lakehouse/shared/metrics.ts'
import type { IndexStats } from './index-store.ts'

// vectord's own figures (ADR-019), read from the index store at scrape time: vectors per index,
// WAL entries past the index's snapshot (what a restart replays), and how long the oldest change
// has waited for a snapshot. Labelled by index name: indexes are few and made by an operator.

export function vectorMetrics(registry: Registry, stats: () => IndexStats[], now = Date.now): void {
  const perIndex = (name: string, help: string, value: (index: IndexStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['index'],
      registers: [registry],
      collect() {
        // reset first: a deleted index leaves the answer instead of keeping its last figure.
        this.reset()
        for (const index of stats()) this.set({ index: index.name }, value(index))
      },
    })
  perIndex('vector_index_vectors', 'Vectors in the index', (index) => index.count)
  perIndex('vector_wal_length', 'WAL entries not yet in a snapshot (replayed on restart)', (index) => index.walLength)
  perIndex(
    'vector_snapshot_age_seconds',
    'Seconds since the oldest change no snapshot holds yet (0 when the snapshot is current)',
    (index) => (index.dirtySince === null ? 0 : Math.max(0, now() - index.dirtySince) / 1000),
  )
  new Gauge({
    name: 'vector_indexes',
    help: 'Indexes loaded',
    registers: [registry],
    collect() {
      this.set(stats().length)
    },
  })
}
