// Keeps a view's DDL away from statements being bound against it (ADR-021). A query leases the
// files of the views it reads, then prepares: DuckDB binds the view (and re-binds a prepared
// statement whenever the catalog changed before it runs), so a view replaced between the lease and
// the start of execution would be bound over files the query never leased. Queries enter as
// readers of every view they read at once (never holding one while waiting for another, so no
// cycle), from the lease until their stream exists; a view's DDL waits for its readers to leave,
// and new readers wait for a pending DDL.

interface Gate {
  readers: number
  writer: Promise<void> | undefined
  onDrained: (() => void) | undefined
}

export class BindGate {
  readonly #gates = new Map<string, Gate>()

  #gate(name: string): Gate {
    let gate = this.#gates.get(name)
    if (!gate) {
      gate = { readers: 0, writer: undefined, onDrained: undefined }
      this.#gates.set(name, gate)
    }
    return gate
  }

  #forget(name: string, gate: Gate): void {
    if (gate.readers === 0 && gate.writer === undefined) this.#gates.delete(name)
  }

  /** Enters every name as a reader; the answer leaves them (once). */
  async enter(names: readonly string[]): Promise<() => void> {
    for (;;) {
      const writer = names.map((name) => this.#gates.get(name)?.writer).find((w) => w !== undefined)
      if (!writer) break
      await writer
    }
    for (const name of names) this.#gate(name).readers += 1
    let left = false
    return () => {
      if (left) return
      left = true
      for (const name of names) {
        const gate = this.#gate(name)
        gate.readers -= 1
        if (gate.readers === 0) gate.onDrained?.()
        this.#forget(name, gate)
      }
    }
  }

  /** Runs `ddl` once no statement is being bound against `name`; one DDL per name at a time. */
  async exclusive<T>(name: string, ddl: () => Promise<T>): Promise<T> {
    let gate = this.#gate(name)
    while (gate.writer) {
      await gate.writer
      gate = this.#gate(name)
    }
    let finish: () => void = () => undefined
    gate.writer = new Promise<void>((resolve) => {
      finish = resolve
    })
    try {
      if (gate.readers > 0) {
        await new Promise<void>((resolve) => {
          gate.onDrained = resolve
        })
      }
      return await ddl()
    } finally {
      gate.onDrained = undefined
      gate.writer = undefined
      finish()
      this.#forget(name, gate)
    }
  }
}
