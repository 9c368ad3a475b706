import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { Transform } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { ParseError, PayloadTooLarge } from '@lakehouse/shared'

// Streams a request body to a file, never holding it whole: bytes are counted on the way and the
// copy stops with 413 as soon as the cap is passed; a SHA-256 of the body is computed on the way too
// when an Idempotency-Key needs it (the request fingerprint, ADR-006). An empty body is a parse error: there is nothing to ingest.

/** Bytes buffered between the socket and the temp file per upload; bounds memory per ingest. */
const UPLOAD_BUFFER_BYTES = 4 * 1024 * 1024

export interface ReceivedUpload {
  bytes: number
  /** Only when asked for: hashing is the one cost an upload without an Idempotency-Key can skip. */
  sha256?: string
}

export function assertDeclaredSize(declaredLength: string | undefined, maxBytes: number): void {
  const declaredBytes = Number(declaredLength)
  if (declaredLength !== undefined && declaredBytes > maxBytes) {
    throw new PayloadTooLarge(
      `upload of ${declaredBytes} bytes is over the ${maxBytes}-byte limit (ingest.max_upload_bytes)`,
    )
  }
}

export async function receiveUpload(
  body: Readable | undefined,
  path: string,
  maxBytes: number,
  options: { isHashed: boolean },
): Promise<ReceivedUpload> {
  const hash = options.isHashed ? createHash('sha256') : undefined
  let bytes = 0
  const meter = new Transform({
    // Deep buffers keep the socket filling while earlier chunks are written (the 16 KiB default
    // paused the upload at every socket chunk).
    highWaterMark: UPLOAD_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      if (bytes > maxBytes) {
        done(new PayloadTooLarge(`upload is over the ${maxBytes}-byte limit (ingest.max_upload_bytes)`))
        return
      }
      hash?.update(chunk)
      done(null, chunk)
    },
  })
  const written = pipeline(meter, createWriteStream(path, { highWaterMark: UPLOAD_BUFFER_BYTES }))
  if (body) {
    // Not pipeline(body, ...): on a refusal the request must stay open so that the 413 can be sent;
    // a client that goes away mid-upload still ends the copy (premature close).
    finished(body).catch((err: Error) => meter.destroy(err))
    body.pipe(meter)
  } else {
    meter.end()
  }
  try {
    await written
  } catch (err) {
    body?.unpipe(meter)
    throw err
  }
  if (bytes === 0) throw new ParseError('the upload is empty (0 bytes): nothing to ingest')
  return hash ? { bytes, sha256: hash.digest('hex') } : { bytes }
}
