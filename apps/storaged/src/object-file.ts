import { createHash, type Hash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BatchingFileWriter, STREAM_BUFFER_BYTES, writeAll } from '@lakehouse/shared'
import type { FileHasher, HashJob } from './file-hasher.ts'
import { encodeTrailer } from './fs-trailer.ts'

// Writes one object file (body, then the LHO1 trailer, ADR-002) into an open temp file and fsyncs
// it, so that a rename can publish it whole. Socket chunks are gathered (by reference, never
// copied) until WRITE_BATCH_BYTES and go out in one writev at the position they belong (the shared
// BatchingFileWriter). The sha256 is taken on the event loop while the body is small (a worker
// round trip costs more than hashing a few KiB); past INLINE_HASH_BYTES the worker hashes the file
// from its first byte as it grows, overlapping receive, write and hash (ADR-023). Every SYNC_AHEAD_BYTES written, a datasync starts
// in the background so the disk writes back while the body still arrives; the one fsync that
// counts is still the last, after the trailer and before the rename (ADR-027).

export const INLINE_HASH_BYTES = 1024 * 1024
/** One writev (and one progress message to the hash worker) per this many body bytes, not per socket chunk. */
export const WRITE_BATCH_BYTES = 1024 * 1024
/** Early writeback: the final fsync then flushes only what came after the last one. */
export const SYNC_AHEAD_BYTES = 8 * 1024 * 1024

/** What the sink does to the file, counted: load-independent figures for tests and the bench. */
export interface ObjectFileCounts {
  writes: number
  syncsAhead: number
}

class ObjectFileSink extends BatchingFileWriter {
  readonly #handle: FileHandle
  readonly #path: string
  readonly #hasher: FileHasher
  #inline: Hash | undefined = createHash('sha256')
  #syncedUpTo = 0
  readonly #syncs: Array<Promise<void>> = []
  syncsAhead = 0
  job: HashJob | undefined

  constructor(handle: FileHandle, path: string, hasher: FileHasher) {
    // A deep buffer lets the socket keep filling while earlier chunks are being written.
    super({ batchBytes: WRITE_BATCH_BYTES, highWaterMark: STREAM_BUFFER_BYTES })
    this.#handle = handle
    this.#path = path
    this.#hasher = hasher
  }

  protected override handle(): FileHandle {
    return this.#handle
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.flush().then(() => callback(), callback)
  }

  protected override beforeBatch(buffers: readonly Buffer[], total: number): void {
    if (this.#inline && this.bytes + total <= INLINE_HASH_BYTES) for (const b of buffers) this.#inline.update(b)
    else if (this.#inline) {
      this.#inline = undefined
      this.job = this.#hasher.open(this.#path)
    }
  }

  protected override afterBatch(): void {
    this.job?.progress(this.bytes)
    if (this.bytes - this.#syncedUpTo >= SYNC_AHEAD_BYTES) this.#syncAhead()
  }

  #syncAhead(): void {
    this.#syncedUpTo = this.bytes
    this.syncsAhead++
    const sync = this.#handle.datasync()
    // Awaited by settled(); until then a failure must not surface as an unhandled rejection.
    sync.catch(() => undefined)
    this.#syncs.push(sync)
  }

  /** Every early datasync has finished; the first failure among them, if any, is thrown. */
  async settled(): Promise<void> {
    const results = await Promise.allSettled(this.#syncs)
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
  }

  digest(): Promise<Buffer> {
    return this.job ? this.job.finish(this.bytes) : Promise.resolve((this.#inline as Hash).digest())
  }
}

/** Streams `body` into the open temp file at `path`, appends the trailer and fsyncs; returns the size and sha256. */
export async function writeObjectFile(
  body: Readable,
  handle: FileHandle,
  path: string,
  hasher: FileHasher,
): Promise<{ bytes: number; sha256: Buffer; counts: ObjectFileCounts }> {
  const sink = new ObjectFileSink(handle, path, hasher)
  try {
    await pipeline(body, sink)
    const sha256 = await sink.digest()
    await writeAll(handle, [encodeTrailer(sha256, sink.bytes)], sink.bytes)
    await sink.settled()
    // The fsync that makes the object durable, after its last byte and before the caller's rename.
    await handle.sync()
    return { bytes: sink.bytes, sha256, counts: { writes: sink.writes, syncsAhead: sink.syncsAhead } }
  } catch (err) {
    sink.job?.abandon()
    // The caller closes the handle next: no datasync may still be running on it.
    await sink.settled().catch(() => undefined)
    throw err
  }
}
