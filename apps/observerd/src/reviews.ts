import { Observer } from '@lakehouse/observer'
import { type Config, isLoopbackHost } from '@lakehouse/shared'
import { catalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { queryClient } from '@lakehouse/shared/clients/query.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'

// The observer assembled from observerd's configuration (ADR-015): checks run through queryd,
// pinned to catalogd's generation, reviews stored through storaged. Fail-open is refused here,
// at start, on any non-loopback bind: a blind accept must never leave this machine.

export interface ObserverService {
  observer: Observer
  close: () => Promise<void>
}

export function refuseUnsafeFailOpen(config: Config): void {
  if (config.observer.fail_open && !isLoopbackHost(config.server.host)) {
    throw new Error(
      `LH_OBSERVER_FAIL_OPEN=1 is for development on loopback only, and server.host is ${config.server.host}: unset it (ADR-015)`,
    )
  }
}

export function openObserver(config: Config): ObserverService {
  refuseUnsafeFailOpen(config)
  const query = queryClient(config)
  const catalog = catalogClient(config)
  const storage = storageClient(config)
  const observer = new Observer({
    query,
    catalog,
    store: storage,
    checkTimeoutMs: config.observer.check_timeout_ms,
    maxRows: config.observer.max_rows,
    failOpen: config.observer.fail_open,
  })
  return {
    observer,
    close: async () => {
      await Promise.all([query.close(), catalog.close(), storage.close()])
    },
  }
}
