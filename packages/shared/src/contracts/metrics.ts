import { defineRoute } from './route.ts'

// Prometheus text exposition, served by every daemon itself and by the gateway for its own process:
// not forwarded (a daemon's figures are scraped from the daemon), so not in ALL_ROUTES (ADR-019).

export const metricsRoutes = {
  metrics: defineRoute({
    method: 'GET',
    url: '/metrics',
    scope: 'admin',
    summary: 'Prometheus metrics of this process; loopback callers need no token (ADR-019)',
  }),
} as const
