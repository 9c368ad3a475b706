import { z } from 'zod'
import { defineRoute } from './route.ts'

// Liveness and readiness, served by every daemon itself (the gateway answers its own and passes a
// daemon's /health through): not forwarded, so not in ALL_ROUTES.

export const healthRoutes = {
  health: defineRoute({
    method: 'GET',
    url: '/health',
    scope: 'open',
    summary: 'liveness: `<service> ok`, no dependency touched',
  }),
  ready: defineRoute({
    method: 'GET',
    url: '/ready',
    scope: 'read',
    summary: "readiness: the daemon's dependency checks, 200 when all pass, 503 otherwise",
  }),
} as const

export const gatewayRoutes = {
  daemonHealth: defineRoute({
    method: 'GET',
    url: '/health/:daemon',
    scope: 'open',
    summary: "a daemon's own /health answer, passed through",
    params: z.strictObject({ daemon: z.string() }),
  }),
} as const
