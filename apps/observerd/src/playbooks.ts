import type { Observer } from '@lakehouse/observer'
import type { EmbedPort, LogStorage, MemoryLog } from '@lakehouse/pathway'
import { Playbooks, type PlaybookVectorPort } from '@lakehouse/playbook'
import type { Config } from '@lakehouse/shared'

// Playbook memory over the same ports as pathway (one storaged, embedd and vectord client each):
// the namespace's memory log (ADR-004), reviews from the observer's store (ADR-015), and the
// [memory] settings pathway uses.

export interface PlaybookWiring {
  config: Config
  reviews: Observer
  storage: LogStorage
  embed: EmbedPort
  vectors: PlaybookVectorPort
  log: MemoryLog
}

export function openPlaybooks({ config, reviews, storage, embed, vectors, log }: PlaybookWiring): Playbooks {
  return new Playbooks({
    storage,
    reviews,
    embed,
    vectors,
    log,
    snapshotEvery: config.memory.snapshot_every,
    maxAppendAttempts: config.memory.max_append_attempts,
    ...(config.memory.embed_model ? { embedModel: config.memory.embed_model } : {}),
  })
}
