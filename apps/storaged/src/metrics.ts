import { Counter, Gauge, type Registry } from '@lakehouse/shared/metrics.ts'
import type { FsListing } from './fs-listing.ts'
import type { ObjectEvents } from './objects.ts'

// storaged's own figures (ADR-019): object bytes stored (PUT bodies that took) and served (GET
// bodies, counted as each answer starts), and on the fs backend the bytes its listing cache holds
// against their bound (ADR-026).

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

export function listingMetrics(registry: Registry, listing: FsListing): void {
  new Gauge({
    name: 'storage_listing_cache_bytes',
    help: 'Bytes of sorted folder snapshots held for paginated fs listings',
    registers: [registry],
    collect() {
      this.set(listing.cacheBytes().bytes)
    },
  })
  new Gauge({
    name: 'storage_listing_cache_max_bytes',
    help: 'Bound of the fs listing cache',
    registers: [registry],
    collect() {
      this.set(listing.cacheBytes().maxBytes)
    },
  })
}
