import { type App, type Config, createServer, metricsRegistry, readyDetails } from '@lakehouse/shared'
import { Embedder } from './embedder.ts'
import { embedMetrics } from './metrics.ts'
import { createModels } from './registry.ts'
import { registerEmbedRoutes } from './routes/embed.ts'

// embedd: text to vectors (DESIGN §4, §5 "embed", ADR-008). The embedder comes in through deps so a
// test can hand in one built on its own models; by default it is built from [embed].

export interface EmbeddDeps {
  config: Config
  embedder?: Embedder
}

export function createEmbedder(section: Config['embed']): Embedder {
  return new Embedder({
    models: createModels(section),
    defaultModel: section.default_model,
    cache: { maxEntries: section.cache_max_entries, maxBytes: section.cache_max_bytes },
  })
}

export function buildApp(deps: EmbeddDeps): App {
  const embedder = deps.embedder ?? createEmbedder(deps.config.embed)
  const app = createServer({
    service: 'embedd',
    config: deps.config,
    readyChecks: {
      [`model:${embedder.defaultModel}`]: () => embedder.pingDefault(),
      // Always passes: it shows how full the vector cache is against its byte limit (ADR-023).
      cache: async () => readyDetails(embedder.cache.figures),
    },
  })
  app.addHook('onClose', () => embedder.close())
  embedMetrics(metricsRegistry(app), embedder.cache)
  registerEmbedRoutes(app, embedder)
  return app
}
