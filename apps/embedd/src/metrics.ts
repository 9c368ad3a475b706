import { Gauge, type Registry, tallyCounter } from '@lakehouse/shared/metrics.ts'
import type { VectorCache } from './vector-cache.ts'

// embedd's own figures (ADR-019), read from the vector cache at scrape time: a hit is a text whose
// vector was already computed or in flight (no upstream call); a miss goes to the model.

export function embedMetrics(registry: Registry, cache: VectorCache): void {
  tallyCounter(registry, 'embed_cache_hits_total', 'Texts whose vector came from the cache', () => cache.hits)
  tallyCounter(registry, 'embed_cache_misses_total', 'Texts the model had to embed', () => cache.misses)
  new Gauge({
    name: 'embed_cache_entries',
    help: 'Vectors held in the cache',
    registers: [registry],
    collect() {
      this.set(cache.size)
    },
  })
  new Gauge({
    name: 'embed_cache_max_bytes',
    help: 'The configured byte limit of the cache ([embed] cache_max_bytes; 0 when the cache is off)',
    registers: [registry],
    collect() {
      this.set(cache.maxBytes)
    },
  })
  new Gauge({
    name: 'embed_cache_bytes',
    help: 'Bytes the cache accounts for its vectors',
    registers: [registry],
    collect() {
      this.set(cache.bytes)
    },
  })
  new Gauge({
    name: 'embed_cache_page_bytes',
    help: 'Bytes of float32 pages the cache has allocated for its vectors, in use or free (ADR-036)',
    registers: [registry],
    collect() {
      this.set(cache.pageBytes)
    },
  })
}
