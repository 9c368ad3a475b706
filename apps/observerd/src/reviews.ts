import {
  type CheckRunner,
  type GenerationSource,
  Observer,
  type ObserverOptions,
  type ReviewStore,
} from '@lakehouse/observer'
import { type Config, isLoopbackHost } from '@lakehouse/shared'

// The observer assembled from observerd's configuration and peers (ADR-015): checks run through
// queryd, pinned to catalogd's generation, reviews stored through storaged. Fail-open is refused
// at start on any non-loopback bind: a blind accept must never leave this machine.

export function refuseUnsafeFailOpen(config: Config): void {
  if (config.observer.fail_open && !isLoopbackHost(config.server.host)) {
    throw new Error(
      `LH_OBSERVER_FAIL_OPEN=1 is for development on loopback only, and server.host is ${config.server.host}: unset it (ADR-015)`,
    )
  }
}

export interface ObserverPeers {
  query: CheckRunner
  catalog: GenerationSource
  store: ReviewStore
}

export function openObserver(config: Config, peers: ObserverPeers, onReview?: ObserverOptions['onReview']): Observer {
  refuseUnsafeFailOpen(config)
  return new Observer({
    ...peers,
    ...(onReview ? { onReview } : {}),
    checkTimeoutMs: config.observer.check_timeout_ms,
    maxRows: config.observer.max_rows,
    failOpen: config.observer.fail_open,
  })
}
