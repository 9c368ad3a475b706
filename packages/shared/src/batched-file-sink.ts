import { type FileHandle, open } from 'node:fs/promises'
import { Writable } from 'node:stream'

// Streams into a file in batches of at least `batchBytes`: one writev of the gathered chunks, by
// reference, never copied. fs.WriteStream writes whatever arrived while its previous write was in
// flight: one write per 64 KiB socket chunk when the disk keeps up, fewer under load; a batching
// sink makes it at most one per MiB whatever the load (ADR-027). At most one batch plus one chunk
// waits in memory beyond the stream's own buffer. BatchingFileWriter is the gathering, shared by
// ingestd's upload (BatchedFileSink, no fsync) and storaged's object file (its own hash and syncs).

export const FILE_BATCH_BYTES = 1024 * 1024

/** Gathers chunks and writes them to `handle()` in batches, each at the position it belongs. */
export abstract class BatchingFileWriter extends Writable {
  /** Bytes written to the file so far. */
  bytes = 0
  /** Write syscalls made (writev, and a write per short writev), for tests and the bench. */
  writes = 0
  readonly #batchBytes: number
  #batch: Buffer[] = []
  #pending = 0

  constructor(options: { batchBytes?: number; highWaterMark?: number } = {}) {
    super({ highWaterMark: options.highWaterMark ?? FILE_BATCH_BYTES })
    this.#batchBytes = options.batchBytes ?? FILE_BATCH_BYTES
  }

  /** The open file; undefined once closed (a batch left then is dropped). */
  protected abstract handle(): FileHandle | undefined

  /** Called with each batch before it is written (e.g. to hash it). */
  protected beforeBatch(_buffers: readonly Buffer[], _total: number): void {}

  /** Called once each batch is written; `bytes` already counts it. */
  protected afterBatch(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#gather([chunk], callback)
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (err?: Error | null) => void): void {
    this.#gather(
      chunks.map((c) => c.chunk),
      callback,
    )
  }

  /** Writes what is gathered (the stream's end calls this; so may a subclass's _final). */
  protected async flush(): Promise<void> {
    const buffers = this.#batch
    const total = this.#pending
    this.#batch = []
    this.#pending = 0
    const handle = this.handle()
    if (total === 0 || !handle) return
    this.beforeBatch(buffers, total)
    this.writes += await writeAll(handle, buffers, this.bytes)
    this.bytes += total
    this.afterBatch()
  }

  protected dropBatch(): void {
    this.#batch = []
    this.#pending = 0
  }

  #gather(buffers: Buffer[], callback: (err?: Error | null) => void): void {
    for (const b of buffers) {
      this.#batch.push(b)
      this.#pending += b.length
    }
    if (this.#pending < this.#batchBytes) callback()
    else this.flush().then(() => callback(), callback)
  }
}

/** Writes `buffers` at `position`, continuing a short writev (rare: signals, huge batches); returns the syscalls made. */
export async function writeAll(handle: FileHandle, buffers: readonly Buffer[], position: number): Promise<number> {
  let { bytesWritten } = await handle.writev(buffers as Buffer[], position)
  let calls = 1
  for (const buffer of buffers) {
    const done = Math.min(bytesWritten, buffer.length)
    bytesWritten -= done
    for (let at = done; at < buffer.length; calls++) {
      at += (await handle.write(buffer, at, buffer.length - at, position + at)).bytesWritten
    }
    position += buffer.length
  }
  return calls
}

/** A new file at `path`, written in batches and closed at the end. It does not fsync. */
export class BatchedFileSink extends BatchingFileWriter {
  readonly #path: string
  #handle: FileHandle | undefined

  constructor(path: string, options: { batchBytes?: number; highWaterMark?: number } = {}) {
    super(options)
    this.#path = path
  }

  protected override handle(): FileHandle | undefined {
    return this.#handle
  }

  override _construct(callback: (err?: Error | null) => void): void {
    open(this.#path, 'w').then((handle) => {
      this.#handle = handle
      callback()
    }, callback)
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.flush()
      .then(() => this.#handle?.close())
      .then(() => {
        this.#handle = undefined
        callback()
      }, callback)
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const handle = this.#handle
    this.#handle = undefined
    this.dropBatch()
    if (!handle) {
      callback(err)
      return
    }
    handle.close().then(
      () => callback(err),
      () => callback(err),
    )
  }
}
