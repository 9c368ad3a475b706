import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

// vectord's stop snapshots its indexes (ADR-011): it gets vectors.shutdown_timeout_ms, not the
// shared 10 s that would cut the snapshot short into a WAL replay at the next start.
await runDaemon('vectord', (config) => buildApp({ config }), {
  shutdownTimeoutMs: (config) => config.vectors.shutdown_timeout_ms,
})
