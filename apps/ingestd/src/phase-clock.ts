// Milliseconds spent in each phase of one ingest, for the "ingested" log line: where the time of a
// slow ingest went (receiving, sniffing, converting, storing, committing) without a profiler.
export class PhaseClock {
  readonly ms: Record<string, number> = {}
  #last = performance.now()

  /** Adds the time since the previous mark to `phase`. */
  mark(phase: string): void {
    const now = performance.now()
    this.ms[phase] = Math.round((this.ms[phase] ?? 0) + now - this.#last)
    this.#last = now
  }
}
