// What the gateway acknowledged during a soak, so the end check is exact: every ingest carries an
// Idempotency-Key, and one whose outcome is unknown (5xx, no answer) keeps its body to be retried
// with the same key until it gets a definite answer. Objects are remembered by their SHA-256 only.

export type IngestState = 'acked' | 'refused' | 'unknown'

export interface IngestEntry {
  key: string
  dataset: string
  rows: number
  state: IngestState
  /** Kept only while the outcome is unknown: a retry must send the same bytes (same fingerprint). */
  body?: string
}

export class Ledger {
  readonly #ingests = new Map<string, IngestEntry>()
  readonly #objects = new Map<string, string>()
  readonly #objectKeys: string[] = []
  #ackedRows = 0

  /** Records the outcome of one attempt of an ingest (first or retry). */
  recordIngest(entry: { key: string; dataset: string; rows: number; body: string }, state: IngestState): void {
    const known = this.#ingests.get(entry.key)
    if (known?.state === 'acked') return
    if (state === 'acked') this.#ackedRows += entry.rows
    const { body, ...rest } = entry
    this.#ingests.set(entry.key, { ...rest, state, ...(state === 'unknown' ? { body } : {}) })
  }

  recordObject(key: string, sha256: string): void {
    if (!this.#objects.has(key)) this.#objectKeys.push(key)
    this.#objects.set(key, sha256)
  }

  get ackedRows(): number {
    return this.#ackedRows
  }

  /** Rows the gateway acknowledged, per dataset (datasets with none are listed with 0). */
  expectedRows(datasets: readonly string[]): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(datasets.map((d) => [d, 0]))
    for (const e of this.#ingests.values()) if (e.state === 'acked') out[e.dataset] = (out[e.dataset] ?? 0) + e.rows
    return out
  }

  unresolved(): IngestEntry[] {
    return [...this.#ingests.values()].filter((e) => e.state === 'unknown')
  }

  objects(): [key: string, sha256: string][] {
    return [...this.#objects.entries()]
  }

  /** A random acknowledged object, for the GETs of the load. */
  anyObject(random: () => number): [key: string, sha256: string] | undefined {
    if (this.#objectKeys.length === 0) return undefined
    const key = this.#objectKeys[Math.floor(random() * this.#objectKeys.length)] as string
    return [key, this.#objects.get(key) as string]
  }

  counts(): Record<IngestState, number> {
    const out: Record<IngestState, number> = { acked: 0, refused: 0, unknown: 0 }
    for (const e of this.#ingests.values()) out[e.state]++
    return out
  }
}
