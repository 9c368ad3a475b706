import type { Observer } from '@lakehouse/observer'
import type { App } from '@lakehouse/shared'
import { observerRoutes } from '@lakehouse/shared/contracts/observer.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'

// HTTP for reviews (DESIGN §9, ADR-015). A malformed claim fails the contract's schema (400) and
// never reaches the observer; everything that reaches it gets a stored verdict.

export function registerReviewRoutes(app: App, observer: Observer): void {
  app.route({
    ...routeOptions(observerRoutes.createReview),
    handler: async (req, reply) => {
      const review = await observer.review(req.body)
      if (review.degraded) req.log.warn({ review_id: review.review_id, reason: review.reason }, 'degraded review')
      reply.status(201)
      return review
    },
  })

  app.route({
    ...routeOptions(observerRoutes.getReview),
    handler: async (req) => observer.get(req.params.id),
  })
}
