import { Worker } from 'node:worker_threads'
import type { HashMessage } from './sha256-worker.ts'

// sha256 of object files on a worker thread, following the file as the upload writes it (ADR-023):
// the hash overlaps the receive and the disk write instead of adding to them on the event loop.
// One worker per backend, started on the first large object; uploads share it. A worker that dies
// fails the hashes in flight (their uploads answer 500 and leave no object) and is replaced.

interface Pending {
  resolve: (digest: Buffer) => void
  reject: (err: Error) => void
}

export class FileHasher {
  #worker: Worker | undefined
  #nextId = 1
  readonly #pending = new Map<number, Pending>()

  /** Starts hashing the file at `path` (created, possibly still empty) from its first byte. */
  open(path: string): HashJob {
    const id = this.#nextId++
    const digest = new Promise<Buffer>((resolve, reject) => this.#pending.set(id, { resolve, reject }))
    // An upload that fails before finish() never awaits the digest.
    digest.catch(() => undefined)
    this.#post({ op: 'open', id, path })
    return {
      progress: (upTo) => this.#post({ op: 'progress', id, upTo }),
      finish: (size) => {
        this.#post({ op: 'finish', id, size })
        return digest
      },
      abandon: () => {
        this.#pending.delete(id)
        this.#post({ op: 'abandon', id })
      },
    }
  }

  #post(message: HashMessage): void {
    this.#workerOf().postMessage(message)
  }

  #workerOf(): Worker {
    if (this.#worker) return this.#worker
    const worker = new Worker(new URL('./sha256-worker.ts', import.meta.url))
    // Idle between uploads, it must not keep the process alive.
    worker.unref()
    worker.on('message', (answer: { id: number; digest?: Uint8Array; error?: string }) => {
      const pending = this.#pending.get(answer.id)
      this.#pending.delete(answer.id)
      if (answer.digest) pending?.resolve(Buffer.from(answer.digest))
      else pending?.reject(new Error(`hashing the object failed: ${answer.error}`))
    })
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined
      for (const pending of this.#pending.values()) pending.reject(err)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the hash worker exited (code ${code})`)))
    this.#worker = worker
    return worker
  }

  async close(): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    await worker?.terminate()
  }
}

export interface HashJob {
  /** The file's bytes are written up to `upTo`: the worker may hash that far. */
  progress: (upTo: number) => void
  /** The body is whole at `size` bytes: its digest once the worker has hashed it all. */
  finish: (size: number) => Promise<Buffer>
  abandon: () => void
}
