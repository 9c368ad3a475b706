import { createHash, type Hash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { type Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { STREAM_BUFFER_BYTES } from '@lakehouse/shared'
import type { FileHasher, HashJob } from './file-hasher.ts'
import { encodeTrailer } from './fs-trailer.ts'

// Writes one object file (body, then the LHO1 trailer, ADR-002) into an open temp file and fsyncs
// it, so that a rename can publish it whole. Socket chunks gathered while a write is in flight go
// out in one writev at the position they belong. The sha256 is taken on the event loop while the
// body is small (a worker round trip costs more than hashing a few KiB); past INLINE_HASH_BYTES the
// worker hashes the file from its first byte as it grows, overlapping receive, write and hash
// (ADR-023). Nothing here copies a body byte.

export const INLINE_HASH_BYTES = 1024 * 1024

class ObjectFileSink extends Writable {
  bytes = 0
  readonly #handle: FileHandle
  readonly #path: string
  readonly #hasher: FileHasher
  #inline: Hash | undefined = createHash('sha256')
  job: HashJob | undefined

  constructor(handle: FileHandle, path: string, hasher: FileHasher) {
    // A deep buffer lets the socket keep filling while earlier chunks are being written.
    super({ highWaterMark: STREAM_BUFFER_BYTES })
    this.#handle = handle
    this.#path = path
    this.#hasher = hasher
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#append([chunk]).then(() => callback(), callback)
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (err?: Error | null) => void,
  ): void {
    this.#append(chunks.map((c) => c.chunk)).then(() => callback(), callback)
  }

  async #append(buffers: Buffer[]): Promise<void> {
    const total = buffers.reduce((n, b) => n + b.length, 0)
    if (this.#inline && this.bytes + total <= INLINE_HASH_BYTES) for (const b of buffers) this.#inline.update(b)
    else if (this.#inline) {
      this.#inline = undefined
      this.job = this.#hasher.open(this.#path)
    }
    await writeAll(this.#handle, buffers, this.bytes)
    this.bytes += total
    this.job?.progress(this.bytes)
  }

  digest(): Promise<Buffer> {
    return this.job ? this.job.finish(this.bytes) : Promise.resolve((this.#inline as Hash).digest())
  }
}

async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let { bytesWritten } = await handle.writev(buffers, position)
  // A short writev (rare: signals, huge batches) continues where it stopped.
  for (const buffer of buffers) {
    if (bytesWritten >= buffer.length) {
      bytesWritten -= buffer.length
      position += buffer.length
      continue
    }
    let done = bytesWritten
    bytesWritten = 0
    while (done < buffer.length)
      done += (await handle.write(buffer, done, buffer.length - done, position + done)).bytesWritten
    position += buffer.length
  }
}

/** Streams `body` into the open temp file at `path`, appends the trailer and fsyncs; returns the size and sha256. */
export async function writeObjectFile(
  body: Readable,
  handle: FileHandle,
  path: string,
  hasher: FileHasher,
): Promise<{ bytes: number; sha256: Buffer }> {
  const sink = new ObjectFileSink(handle, path, hasher)
  try {
    await pipeline(body, sink)
    const sha256 = await sink.digest()
    await writeAll(handle, [encodeTrailer(sha256, sink.bytes)], sink.bytes)
    // The one fsync of the file, before the caller's rename publishes it.
    await handle.sync()
    return { bytes: sink.bytes, sha256 }
  } catch (err) {
    sink.job?.abandon()
    throw err
  }
}
