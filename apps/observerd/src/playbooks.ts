import type { Observer } from '@lakehouse/observer'
import { Playbooks } from '@lakehouse/playbook'
import type { Config } from '@lakehouse/shared'
import { embedClient } from '@lakehouse/shared/clients/embed.ts'
import { storageClient } from '@lakehouse/shared/clients/storage.ts'
import { vectorClient } from '@lakehouse/shared/clients/vectors.ts'

// Playbook memory assembled from observerd's configuration: the namespace's memory log through
// storaged (the pathway log, ADR-004), reviews from the observer's store, task vectors through
// embedd and vectord.

export interface PlaybookService {
  playbooks: Playbooks
  close: () => Promise<void>
}

export function openPlaybooks(
  config: Config,
  observer: Observer,
  log?: { warn(d: object, m: string): void },
): PlaybookService {
  const storage = storageClient(config)
  const embed = embedClient(config)
  const vectors = vectorClient(config)
  const playbooks = new Playbooks({ storage, reviews: observer, embed, vectors, ...(log ? { log } : {}) })
  return {
    playbooks,
    close: async () => {
      await Promise.all([storage.close(), embed.close(), vectors.close()])
    },
  }
}
