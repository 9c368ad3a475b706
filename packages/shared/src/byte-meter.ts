import { createHash, type Hash } from 'node:crypto'
import { type Readable, Transform, type TransformCallback } from 'node:stream'
import { finished } from 'node:stream/promises'
import { PayloadTooLarge } from './errors.ts'

// Counts (and optionally hashes) the bytes of an upload as they stream past, and fails the stream
// the moment the count passes the cap: the cap holds whether or not a content-length was sent.
// storaged meters object bodies with it, ingestd its uploads.

/** Bytes buffered between the socket and the disk per upload; bounds memory per upload. */
export const STREAM_BUFFER_BYTES = 4 * 1024 * 1024

export interface ByteMeterOptions {
  /** Bytes to emit after the last body byte, made from the body's sha256 and length. */
  trailer?: (sha256: Buffer, bytes: number) => Buffer
  /** Compute the body's sha256 (implied by `trailer`); read it from `sha256` once the stream ends. */
  isHashed?: boolean
  /** The 413 message; the default names the cap. */
  tooLargeMessage?: (maxBytes: number) => string
}

export class ByteMeter extends Transform {
  bytes = 0
  /** The body's sha256, once the stream has ended (only when hashing). */
  sha256: Buffer | undefined
  readonly #maxBytes: number
  readonly #hash: Hash | undefined
  readonly #trailer: ByteMeterOptions['trailer']
  readonly #tooLargeMessage: (maxBytes: number) => string

  constructor(maxBytes: number, options: ByteMeterOptions = {}) {
    // A deep buffer lets the socket keep filling while the disk write of earlier chunks is in
    // flight; with the 16 KiB default every 64 KiB socket chunk paused the upload (ADR-002).
    super({ highWaterMark: STREAM_BUFFER_BYTES })
    this.#maxBytes = maxBytes
    this.#trailer = options.trailer
    this.#hash = options.trailer || options.isHashed ? createHash('sha256') : undefined
    this.#tooLargeMessage = options.tooLargeMessage ?? ((max) => `object is larger than the ${max}-byte cap`)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.#maxBytes) {
      callback(new PayloadTooLarge(this.#tooLargeMessage(this.#maxBytes)))
      return
    }
    this.#hash?.update(chunk)
    callback(null, chunk)
  }

  override _flush(callback: TransformCallback): void {
    this.sha256 = this.#hash?.digest()
    if (this.#trailer && this.sha256) this.push(this.#trailer(this.sha256, this.bytes))
    callback()
  }
}

/**
 * `source` piped through a new meter. A failing meter (the cap) unpipes but never destroys the
 * source: the source is the request, and its socket must survive to carry the 413 answer. A source
 * that fails or ends early (a client gone mid-upload) fails the meter.
 */
export function meterStream(source: Readable, maxBytes: number, options: ByteMeterOptions = {}): ByteMeter {
  const meter = new ByteMeter(maxBytes, options)
  finished(source).catch((err: Error) => meter.destroy(err))
  source.pipe(meter)
  return meter
}
