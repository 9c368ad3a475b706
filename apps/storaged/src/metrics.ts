import { Counter, type Registry } from '@lakehouse/shared/metrics.ts'
import type { ObjectEvents } from './objects.ts'

// storaged's own figures (ADR-019): object bytes stored (PUT bodies that took) and served (GET
// bodies, counted as each answer starts).

export function storageMetrics(registry: Registry): ObjectEvents {
  const stored = new Counter({
    name: 'storage_bytes_in_total',
    help: 'Object bytes stored by PUTs that took',
    registers: [registry],
  })
  const served = new Counter({
    name: 'storage_bytes_out_total',
    help: 'Object bytes served by GETs (the range length for 206 answers)',
    registers: [registry],
  })
  return { onStored: (bytes) => stored.inc(bytes), onServed: (bytes) => served.inc(bytes) }
}
