import type { FileHandle } from 'node:fs/promises'

// On the fs backend each object file is the object's bytes followed by a 48-byte trailer:
// "LHO1" | sha256 (32 bytes) | body length (u64 BE) | "LHO1". The etag then lives in the same file
// as the bytes it describes, so one rename swaps both at once and HEAD or a listing never rehashes
// (ADR-002). A file without a whole trailer is not an object and is never served.

export const TRAILER_BYTES = 48
const MAGIC = Buffer.from('LHO1')

export function encodeTrailer(sha256: Buffer, bodyBytes: number): Buffer {
  const trailer = Buffer.alloc(TRAILER_BYTES)
  MAGIC.copy(trailer, 0)
  sha256.copy(trailer, 4)
  trailer.writeBigUInt64BE(BigInt(bodyBytes), 36)
  MAGIC.copy(trailer, 44)
  return trailer
}

export interface TrailerInfo {
  size: number
  etag: string
  lastModified: Date
}

/** Reads the trailer of an open object file; undefined when the file is not a whole object. */
export async function readTrailer(handle: FileHandle): Promise<TrailerInfo | undefined> {
  const stat = await handle.stat()
  if (!stat.isFile() || stat.size < TRAILER_BYTES) return undefined
  const trailer = Buffer.alloc(TRAILER_BYTES)
  await handle.read(trailer, 0, TRAILER_BYTES, stat.size - TRAILER_BYTES)
  if (!trailer.subarray(0, 4).equals(MAGIC) || !trailer.subarray(44).equals(MAGIC)) return undefined
  const size = Number(trailer.readBigUInt64BE(36))
  if (size !== stat.size - TRAILER_BYTES) return undefined
  return { size, etag: `"${trailer.subarray(4, 36).toString('hex')}"`, lastModified: stat.mtime }
}
