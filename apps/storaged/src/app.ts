import { type App, type Config, createServer } from '@lakehouse/shared'

// storaged: wiring only, so far. Its routes arrive with its own issue (DESIGN §4, §5).

export interface StoragedDeps {
  config: Config
}

export function buildApp(deps: StoragedDeps): App {
  return createServer({ service: 'storaged', config: deps.config })
}
