import type { FastifyInstance } from 'fastify'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import { metricsRoutes } from './contracts/metrics.ts'
import { routeOptions } from './contracts/route.ts'

// Prometheus metrics (ADR-019). Each app instance owns a registry (tests build several apps in one
// process, and a shared registry would refuse the second HTTP counter); the process metrics
// (CPU, memory, event loop, GC) are process-wide by nature, so they live in one lazily made
// registry that every scrape appends. HTTP figures are labelled by the matched route pattern,
// never the raw URL, so their cardinality is bounded by the route table.

// The daemons build their own figures from these, so prom-client is one dependency, of shared.
export { Counter, Gauge, Histogram, type Registry } from 'prom-client'

const registries = new WeakMap<FastifyInstance, Registry>()
let processRegistry: Registry | undefined

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/** The app's own registry: a daemon adds its gauges and counters here (see apps/<d>/src/metrics.ts). */
export function metricsRegistry(app: FastifyInstance): Registry {
  const registry = registries.get(app)
  if (!registry) throw new Error('metricsRegistry: the app was not made by createServer')
  return registry
}

/**
 * A counter read at scrape time from a tally the domain keeps itself (a plain `hits += 1`), so the
 * domain module needs no prom-client. `read` must never go down.
 */
export function tallyCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let last = 0
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read()
      this.inc(Math.max(0, now - last))
      last = now
    },
  })
}

/** Seconds buckets from 5 ms to 60 s: the range between a cached HEAD and a large ingest. */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** The route label: the pattern Fastify matched, `unmatched` for 404s without a route. */
function routeLabel(url: string | undefined): string {
  return url ?? 'unmatched'
}

export function registerMetrics(app: FastifyInstance, service: string): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  registries.set(app, registry)
  const labelNames = ['method', 'route', 'status'] as const
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames,
    registers: [registry],
  })
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response sent, by route pattern, method and status',
    labelNames,
    buckets: DURATION_BUCKETS_S,
    registers: [registry],
  })
  app.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: routeLabel(req.routeOptions.url), status: String(reply.statusCode) }
    requests.inc(labels)
    durations.observe(labels, reply.elapsedTime / 1000)
  })
  app.route({
    ...routeOptions(metricsRoutes.metrics),
    // The auth hook lets a loopback caller through without a token; others need an admin token.
    config: { ...routeOptions(metricsRoutes.metrics).config, isLoopbackTrusted: true },
    handler: async (_req, reply) => {
      const own = await registry.metrics()
      const shared = await processMetrics().metrics()
      return reply.type(registry.contentType).send(`${own}\n${shared}`)
    },
  })
  return registry
}
