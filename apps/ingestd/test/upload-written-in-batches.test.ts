import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { FILE_BATCH_BYTES, PayloadTooLarge } from '@lakehouse/shared'
import { afterAll, describe, expect, it } from 'vitest'
import { receiveUpload } from '../src/upload.ts'

// Rule (ADR-027): an upload reaches ingestd's temp file in writes of at least FILE_BATCH_BYTES, not
// one per 64 KiB socket chunk, byte for byte, with its sha256 when asked and the cap still enforced.

const SOCKET_CHUNK = 64 * 1024

function socketChunks(body: Buffer): Readable {
  const parts: Buffer[] = []
  for (let at = 0; at < body.length; at += SOCKET_CHUNK) parts.push(body.subarray(at, at + SOCKET_CHUNK))
  // One chunk per macrotask, as a socket delivers them: the sink cannot rely on chunks piling up.
  return Readable.from(
    (async function* () {
      for (const part of parts) {
        await new Promise((resolve) => setImmediate(resolve))
        yield part
      }
    })(),
  )
}

function pattern(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes)
  for (let i = 0; i < bytes; i++) out[i] = (i * 7 + 3) & 0xff
  return out
}

describe('ingestd writes an upload to its file in batches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lh-upload-batch-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes 10.5 MiB of 64 KiB chunks in at most 11 writes, byte for byte', async () => {
    const body = pattern(10 * FILE_BATCH_BYTES + FILE_BATCH_BYTES / 2)
    const path = join(dir, 'upload')
    const received = await receiveUpload(socketChunks(body), path, 64 * FILE_BATCH_BYTES, { isHashed: true })
    expect(received.bytes).toBe(body.length)
    expect(received.sha256).toBe(createHash('sha256').update(body).digest('hex'))
    // One per socket chunk would be 168.
    expect(received.fileWrites).toBeLessThanOrEqual(11)
    expect(readFileSync(path).equals(body)).toBe(true)
  })

  it('still refuses an upload over the cap', async () => {
    const body = pattern(3 * FILE_BATCH_BYTES)
    await expect(
      receiveUpload(socketChunks(body), join(dir, 'capped'), 2 * FILE_BATCH_BYTES, { isHashed: false }),
    ).rejects.toThrow(PayloadTooLarge)
  })
})
