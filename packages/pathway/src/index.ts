// @lakehouse/pathway: pathway memory (ADR-004) and the memory event log that playbooks reuse.

export * from '@lakehouse/shared/canonical-json.ts'
export { FoldIndex, type FoldIndexOptions, type IndexedItem } from './fold-index.ts'
export { IndexWatermark } from './index-watermark.ts'
export * from './log/event-log.ts'
export * from './log/folded-log.ts'
export * from './log/snapshot.ts'
export * from './pathway.ts'
export * from './ports.ts'
export { TRACE_KIND, traceFold } from './trace-fold.ts'
export { traceIndexName } from './trace-index.ts'
export { contentHash } from './trace-state.ts'
