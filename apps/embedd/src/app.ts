import { type App, type Config, createServer } from '@lakehouse/shared'

// embedd: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface EmbeddDeps {
  config: Config
}

export function buildApp(deps: EmbeddDeps): App {
  return createServer({ service: 'embedd', config: deps.config })
}
