import { Counter, type Registry } from '@lakehouse/shared/metrics.ts'

// Compaction's figures (ADR-019, ADR-022): passes by outcome, and the files they swapped.
//   compacted  a new version took     nothing  too few small files
//   conflict   another writer took an input file first (output dropped)     failed  anything else

export type CompactionOutcome = 'compacted' | 'nothing' | 'conflict' | 'failed'

export interface CompactionMetrics {
  onPass: (outcome: CompactionOutcome, swapped?: { removed: number; added: number }) => void
}

export function compactionMetrics(registry: Registry): CompactionMetrics {
  const passes = new Counter({
    name: 'catalog_compactions_total',
    help: 'Compaction passes by outcome (compacted, nothing, conflict, failed)',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const files = new Counter({
    name: 'catalog_compaction_files_total',
    help: 'Data files compaction removed from and added to datasets',
    labelNames: ['change'],
    registers: [registry],
  })
  return {
    onPass: (outcome, swapped) => {
      passes.inc({ outcome })
      if (!swapped) return
      files.inc({ change: 'removed' }, swapped.removed)
      files.inc({ change: 'added' }, swapped.added)
    },
  }
}
