import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  BatchedFileSink,
  ByteMeter,
  meterStream,
  ParseError,
  PayloadTooLarge,
  STREAM_BUFFER_BYTES,
} from '@lakehouse/shared'

// Streams a request body to a file, never holding it whole: bytes are counted on the way and the
// copy stops with 413 as soon as the cap is passed; a SHA-256 of the body is computed on the way too
// when an Idempotency-Key needs it (the request fingerprint, ADR-006). An empty body is a parse error: there is nothing to ingest.

export interface ReceivedUpload {
  bytes: number
  /** Write syscalls the upload took to reach its file. */
  fileWrites: number
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
  const meterOptions = {
    isHashed: options.isHashed,
    tooLargeMessage: (max: number) => `upload is over the ${max}-byte limit (ingest.max_upload_bytes)`,
  }
  // Not pipeline(body, ...): on a refusal the request must stay open so that the 413 can be sent.
  const meter = body ? meterStream(body, maxBytes, meterOptions) : new ByteMeter(maxBytes, meterOptions).end()
  // 1 MiB writes, not one per socket chunk (ADR-027).
  const file = new BatchedFileSink(path, { highWaterMark: STREAM_BUFFER_BYTES })
  const written = pipeline(meter, file)
  try {
    await written
  } catch (err) {
    body?.unpipe(meter)
    throw err
  }
  if (meter.bytes === 0) throw new ParseError('the upload is empty (0 bytes): nothing to ingest')
  const received = { bytes: meter.bytes, fileWrites: file.writes }
  return meter.sha256 ? { ...received, sha256: meter.sha256.toString('hex') } : received
}
