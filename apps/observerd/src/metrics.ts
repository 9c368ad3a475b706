import type { Review } from '@lakehouse/shared/contracts/observer.ts'
import { Counter, type Registry } from '@lakehouse/shared/metrics.ts'

// observerd's own figures (ADR-019): every stored review by verdict, reason and whether it was
// degraded (the observer could not check: queryd down, timeout, its own error). Every label is a
// closed enum of the contract, so the series are bounded. Reviews that seal playbooks count too.

export function reviewMetrics(registry: Registry): (review: Review) => void {
  const reviews = new Counter({
    name: 'observer_reviews_total',
    help: 'Reviews stored, by verdict, reason and degraded',
    labelNames: ['verdict', 'reason', 'degraded'],
    registers: [registry],
  })
  return (review) => reviews.inc({ verdict: review.verdict, reason: review.reason, degraded: String(review.degraded) })
}
