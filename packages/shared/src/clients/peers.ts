import { peerReadyChecks, type ReadyChecks } from '../health.ts'

// How every app.ts takes its peers (CONVENTIONS "the shape of a daemon"): each peer is the one
// given in deps (tests hand in in-memory ones) or the client the factory makes from the
// configuration. /ready checks exactly the peers the app runs with, and the app closes only the
// clients it made itself: what a test handed in, the test owns.

/** What an app needs of any peer: its name for /ready, its liveness, and closing it. */
export interface Peer {
  readonly service: string
  health(signal?: AbortSignal): Promise<unknown>
  close(): Promise<void>
}

const isPeer = (value: unknown): value is Peer =>
  typeof (value as Peer | undefined)?.health === 'function' && typeof (value as Peer).service === 'string'

export class PeerSet {
  readonly #checked: Peer[] = []
  readonly #made: Peer[] = []

  /** `given` when a test handed one in, else a client made by `make` (a factory from ./clients). */
  use<T>(given: T | undefined, make: () => T & Peer): T {
    if (given !== undefined) {
      if (isPeer(given)) this.#checked.push(given)
      return given
    }
    const made = make()
    this.#made.push(made)
    this.#checked.push(made)
    return made
  }

  readyChecks(): ReadyChecks {
    return peerReadyChecks(this.#checked)
  }

  async close(): Promise<void> {
    await Promise.all(this.#made.map((peer) => peer.close()))
  }
}
