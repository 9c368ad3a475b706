import { createHash, type Hash } from 'node:crypto'
import { type Readable, Transform, type TransformCallback } from 'node:stream'
import { PayloadTooLarge } from '@lakehouse/shared'

// Counts (and optionally hashes) the bytes of an upload as they stream past, and fails the stream
// the moment the count passes the cap: the cap holds whether or not a content-length was sent.

/** Bytes buffered between the socket and the disk per upload; bounds memory per PUT. */
export const STREAM_BUFFER_BYTES = 4 * 1024 * 1024

export interface ByteMeterOptions {
  /** Bytes to emit after the last body byte, made from the body's sha256 and length. */
  trailer?: (sha256: Buffer, bytes: number) => Buffer
}

export class ByteMeter extends Transform {
  bytes = 0
  readonly #maxBytes: number
  readonly #hash: Hash | undefined
  readonly #trailer: ByteMeterOptions['trailer']

  constructor(maxBytes: number, options: ByteMeterOptions = {}) {
    // A deep buffer lets the socket keep filling while the disk write of earlier chunks is in
    // flight; with the 16 KiB default every 64 KiB socket chunk paused the upload (ADR-002).
    super({ highWaterMark: STREAM_BUFFER_BYTES })
    this.#maxBytes = maxBytes
    this.#trailer = options.trailer
    this.#hash = options.trailer ? createHash('sha256') : undefined
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.#maxBytes) {
      callback(new PayloadTooLarge(`object is larger than the ${this.#maxBytes}-byte cap`))
      return
    }
    this.#hash?.update(chunk)
    callback(null, chunk)
  }

  override _flush(callback: TransformCallback): void {
    if (this.#trailer && this.#hash) this.push(this.#trailer(this.#hash.digest(), this.bytes))
    callback()
  }
}

/**
 * `source` piped through a new meter. A failing meter (the cap) unpipes but never destroys the
 * source: the source is the request, and its socket must survive to carry the 413 answer.
 */
export function meterStream(source: Readable, maxBytes: number, options: ByteMeterOptions = {}): ByteMeter {
  const meter = new ByteMeter(maxBytes, options)
  source.on('error', (err) => meter.destroy(err))
  source.pipe(meter)
  return meter
}
