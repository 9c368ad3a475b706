import { type FileHandle, open } from 'node:fs/promises'
import { Writable } from 'node:stream'

// A stream into a new file that writes in batches of at least `batchBytes` (one writev of the
// gathered chunks, by reference, never copied). fs.WriteStream writes whatever arrived while its
// previous write was in flight: one write per 64 KiB socket chunk when the disk keeps up, fewer
// under load; this sink makes it at most one per MiB whatever the load (ADR-027).
// At most one batch plus one chunk waits in memory beyond the stream's own buffer. It does not
// fsync: callers that need durability (storaged) have their own sink.

export const FILE_BATCH_BYTES = 1024 * 1024

export class BatchedFileSink extends Writable {
  /** Bytes written to the file so far. */
  bytes = 0
  /** Write syscalls made (writev), for tests and the bench. */
  writes = 0
  readonly #path: string
  readonly #batchBytes: number
  #handle: FileHandle | undefined
  #batch: Buffer[] = []
  #pending = 0

  constructor(path: string, options: { batchBytes?: number; highWaterMark?: number } = {}) {
    super({ highWaterMark: options.highWaterMark ?? FILE_BATCH_BYTES })
    this.#path = path
    this.#batchBytes = options.batchBytes ?? FILE_BATCH_BYTES
  }

  override _construct(callback: (err?: Error | null) => void): void {
    open(this.#path, 'w').then((handle) => {
      this.#handle = handle
      callback()
    }, callback)
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#gather([chunk], callback)
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    this.#gather(
      chunks.map((c) => c.chunk),
      callback,
    )
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#flush()
      .then(() => this.#handle?.close())
      .then(() => {
        this.#handle = undefined
        callback()
      }, callback)
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const handle = this.#handle
    this.#handle = undefined
    this.#batch = []
    if (!handle) {
      callback(err)
      return
    }
    handle.close().then(
      () => callback(err),
      () => callback(err),
    )
  }

  #gather(buffers: Buffer[], callback: (err?: Error | null) => void): void {
    for (const b of buffers) {
      this.#batch.push(b)
      this.#pending += b.length
    }
    if (this.#pending < this.#batchBytes) callback()
    else this.#flush().then(() => callback(), callback)
  }

  async #flush(): Promise<void> {
    const buffers = this.#batch
    const total = this.#pending
    this.#batch = []
    this.#pending = 0
    if (total === 0 || !this.#handle) return
    let position = this.bytes
    let { bytesWritten } = await this.#handle.writev(buffers, position)
    this.writes++
    // A short writev (rare: signals, huge batches) continues where it stopped.
    for (const buffer of buffers) {
      const done = Math.min(bytesWritten, buffer.length)
      bytesWritten -= done
      for (let at = done; at < buffer.length; ) {
        at += (await this.#handle.write(buffer, at, buffer.length - at, position + at)).bytesWritten
        this.writes++
      }
      position += buffer.length
    }
    this.bytes += total
  }
}
