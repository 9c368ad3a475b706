import { open, readdir } from 'node:fs/promises'
import { join } from 'node:path'

// Uploads the Parquet files of a running COPY while DuckDB writes the next one (ADR-023): a file is
// taken once a later file exists (DuckDB has moved on) and it ends in a whole Parquet footer
// ("PAR1" at both ends, a footer length that fits). The last file goes once COPY has returned.
// Uploads run one at a time, in file order; every key put is remembered so a failed ingest can
// delete what it stored.

const MAGIC = Buffer.from('PAR1')
const POLL_MS = 50

export function fileIndex(name: string): number {
  return Number(/(\d+)\.parquet$/.exec(name)?.[1] ?? 0)
}

/** True when the file at `path` ends in a whole Parquet footer. */
export async function isWholeParquet(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    if (size < 12) return false
    const head = Buffer.alloc(4)
    const tail = Buffer.alloc(8)
    await handle.read(head, 0, 4, 0)
    await handle.read(tail, 0, 8, size - 8)
    return head.equals(MAGIC) && tail.subarray(4).equals(MAGIC) && tail.readUInt32LE(0) + 12 <= size
  } finally {
    await handle.close()
  }
}

export class EarlyUploader {
  readonly #dir: string
  readonly #upload: (path: string) => Promise<string>
  readonly #keys = new Map<string, Promise<string>>()
  #chain: Promise<unknown> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined
  #polling: Promise<void> = Promise.resolve()
  /** Keys already stored, whatever happens next (for the caller's cleanup). */
  readonly stored: string[] = []

  constructor(dir: string, upload: (path: string) => Promise<string>) {
    this.#dir = dir
    this.#upload = upload
  }

  /** Watches the output folder until stop(). */
  start(): void {
    this.#timer = setInterval(() => {
      this.#polling = this.#polling.then(() => this.#poll()).catch(() => undefined)
    }, POLL_MS)
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#polling
  }

  async #poll(): Promise<void> {
    const names = (await readdir(this.#dir).catch(() => [] as string[])).filter((n) => n.endsWith('.parquet'))
    names.sort((a, b) => fileIndex(a) - fileIndex(b))
    for (const name of names.slice(0, -1)) {
      const path = join(this.#dir, name)
      if (this.#keys.has(path) || !(await isWholeParquet(path))) continue
      this.#enqueue(path)
    }
  }

  #enqueue(path: string): Promise<string> {
    const key = this.#chain.then(async () => {
      const stored = await this.#upload(path)
      this.stored.push(stored)
      return stored
    })
    // One failure fails every later upload of this ingest too: the ingest is lost either way.
    this.#chain = key
    this.#keys.set(path, key)
    // Awaited by keysOf, or never when COPY fails first: not an unhandled rejection either way.
    key.catch(() => undefined)
    return key
  }

  /** Resolves once no upload is in flight, however the last one ended. */
  async settled(): Promise<void> {
    await this.#chain.catch(() => undefined)
  }

  /** The key of each file, in order: those uploaded early, then the rest. Call after stop(). */
  async keysOf(paths: readonly string[]): Promise<string[]> {
    const keys = paths.map((path) => this.#keys.get(path) ?? this.#enqueue(path))
    return Promise.all(keys)
  }
}
