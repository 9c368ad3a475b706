import { join } from 'node:path'
import { type App, type Config, createServer, metricsRegistry } from '@lakehouse/shared'
import { type EmbedClient, embedClient } from '@lakehouse/shared/clients/embed.ts'
import { type QueryClient, queryClient } from '@lakehouse/shared/clients/query.ts'
import { type StorageClient, storageClient } from '@lakehouse/shared/clients/storage.ts'
import { IndexStore } from './index-store.ts'
import { JobRunner } from './jobs.ts'
import { vectorMetrics } from './metrics.ts'
import { registerIndexRoutes } from './routes/indexes.ts'
import { registerItemRoutes } from './routes/items.ts'
import { snapshotChunkBytes } from './snapshot-store.ts'

// vectord: durable HNSW indexes over storaged (DESIGN §4, §5 "vectors", §6, §7; ADR-011).

export interface VectordDeps {
  config: Config
  storage?: StorageClient
  embed?: EmbedClient
  query?: QueryClient
}

/** An absent key: HEAD of it proves storaged answers without reading anything real. */
const READY_PROBE_KEY = 'vectors/.ready'
const RETRY_LOAD_MS = 2_000

export function buildApp(deps: VectordDeps): App {
  const { config } = deps
  const storage = deps.storage ?? storageClient(config)
  const embed = deps.embed ?? embedClient(config)
  const query = deps.query ?? queryClient(config)
  const app = createServer({
    service: 'vectord',
    config,
    bodyLimitBytes: config.vectors.body_limit_bytes,
    readyChecks: {
      storaged: () => storage.head(READY_PROBE_KEY),
      embedd: () => embed.health(),
      queryd: () => query.health(),
      indexes: async () => {
        const state = store.readiness()
        if (!store.loaded) throw new Error('indexes not loaded yet')
        if (!state.ok || state.refused.length > 0) throw new Error(JSON.stringify(state))
      },
    },
  })
  const store = new IndexStore({
    storage,
    embed,
    log: app.log,
    tmpDir: join(config.paths.data_dir, 'tmp', 'vectord'),
    settings: config.vectors,
    chunkBytes: snapshotChunkBytes(config),
  })
  const jobs = new JobRunner({ store, storage, query, log: app.log, pageRows: config.vectors.job_batch_rows })
  store.jobs = jobs
  vectorMetrics(metricsRegistry(app), () => store.stats())
  let closing = false
  let retry: NodeJS.Timeout | undefined
  const load = async (): Promise<void> => {
    try {
      await store.start()
    } catch (err) {
      if (closing) return
      app.log.error({ err }, 'cannot load indexes yet; retrying')
      retry = setTimeout(() => void load(), RETRY_LOAD_MS)
      retry.unref()
      return
    }
    await jobs.resumeAll(store.list().map((index) => index.name)).catch((err: unknown) => {
      app.log.error({ err }, 'cannot resume from-dataset jobs')
    })
  }
  // Loading a large index takes longer than a start-up hook may: /health answers at once, /ready
  // and the index routes (503) wait for it.
  app.addHook('onReady', async () => {
    void load()
  })
  app.addHook('onClose', async () => {
    closing = true
    clearTimeout(retry)
    if (store.loaded) await store.close()
    await Promise.all([storage.close(), embed.close(), query.close()])
  })
  registerIndexRoutes(app, store, jobs)
  registerItemRoutes(app, store)
  return app
}
