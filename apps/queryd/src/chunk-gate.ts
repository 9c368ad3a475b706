import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Bounds the memory DuckDB's result chunks take outside memory_limit (issue 9 item 5). A chunk's
// values live in native memory that @duckdb/node-api frees only when the chunk's JS object is
// collected, and V8 is never told their size: six queries of 3 x 200 MB values each held ~5 GB
// until some later GC. So at most `permits` chunks are fetched (and measured, and converted) at
// once, and a run that saw a chunk above BIG_CHUNK_BYTES collects garbage once it has let go of it,
// before its permit is handed on. Garbage collection is asked for through V8's own flag, set at
// run time, so that no start-up flag is needed.

const BIG_CHUNK_BYTES = 32 * 1024 * 1024

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

export class ChunkGate {
  readonly #waiting: Array<() => void> = []
  #free: number

  constructor(permits: number) {
    this.#free = Math.max(1, permits)
  }

  isBig(bytes: number): boolean {
    return bytes > BIG_CHUNK_BYTES
  }

  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free -= 1
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      if (next) next()
      else this.#free += 1
    }
  }

  /** Frees the native memory of the chunks nobody holds any more (call after dropping them). */
  collect(): void {
    collectGarbage()
  }

  /**
   * Collects once the caller's frame is gone, then hands its permit on. Collected from inside the
   * frame that fetched a chunk, the chunk is still reachable (the frame's registers hold it), so a
   * refused 4 GB chunk stayed in RSS until some later query collected (issue 9 item 5, seen from
   * outside: docs/ATTACKS.md).
   */
  collectThenRelease(release: () => void): void {
    setImmediate(() => {
      try {
        collectGarbage()
      } finally {
        release()
      }
    })
  }
}
