import { manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import { highestDenseVersion } from '@lakehouse/shared/dense-versions.ts'

// Freshness straight from storage (ADR-021). A dataset's versions are dense and each one's commit
// object is written create-only before the commit is acknowledged, so "is there a version above the
// one I know" is one HEAD of manifestKey(name, known + 1), answered by storage itself: the same on
// every replica, with no state outside storage. Only a yes costs a catalog round trip.

export interface CommitObjects {
  /** Metadata of the object, or undefined when it does not exist. */
  head(key: string): Promise<unknown>
}

export class CommitProbe {
  readonly #objects: CommitObjects
  /** HEADs sent, for tests and metrics: exact, whatever the machine's load. */
  heads = 0

  constructor(objects: CommitObjects) {
    this.#objects = objects
  }

  async exists(name: string, version: number): Promise<boolean> {
    this.heads += 1
    return (await this.#objects.head(manifestKey(name, version))) !== undefined
  }

  /**
   * The highest version of `name`, given that `known` exists. Used only when the catalog says the
   * dataset is gone and queryd must learn the tombstone's version, so that later queries probe
   * above it.
   */
  latest(name: string, known: number): Promise<number> {
    return highestDenseVersion((version) => this.exists(name, version), known)
  }
}
