import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FsBackend } from '../src/fs-backend.ts'
import { TRAILER_BYTES } from '../src/fs-trailer.ts'
import { INLINE_HASH_BYTES } from '../src/object-file.ts'

// Rule (ADR-002, ADR-023): on the fs backend the etag is the sha256 of the body, whether the event
// loop hashed it (small bodies) or the hash worker followed the file as it grew (large ones), in
// whatever chunks the body arrived, and the file on disk is exactly body + trailer.

function pattern(bytes: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(bytes)
  for (let i = 0; i < bytes; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

function chunked(body: Buffer, chunkBytes: number): Readable {
  const parts: Buffer[] = []
  for (let at = 0; at < body.length; at += chunkBytes) parts.push(body.subarray(at, at + chunkBytes))
  return Readable.from(parts)
}

const sha = (body: Buffer) => `"${createHash('sha256').update(body).digest('hex')}"`

describe('fs etag is the sha256 of the body at every size', () => {
  let config: ReturnType<typeof testConfig>
  let backend: FsBackend
  beforeAll(async () => {
    config = testConfig()
    backend = await FsBackend.open(join(config.paths.data_dir, 'storage'))
  })
  afterAll(async () => {
    await backend.close()
    config.cleanup()
  })

  const cases = [
    { bytes: 1, chunk: 1 },
    { bytes: INLINE_HASH_BYTES, chunk: 64 * 1024 },
    { bytes: INLINE_HASH_BYTES + 1, chunk: 64 * 1024 },
    { bytes: 3 * INLINE_HASH_BYTES + 12_345, chunk: 7_777 },
    { bytes: 9 * INLINE_HASH_BYTES, chunk: 1024 * 1024 },
  ]
  for (const [i, { bytes, chunk }] of cases.entries()) {
    it(`${bytes} bytes in ${chunk}-byte chunks`, async () => {
      const body = pattern(bytes, i)
      const info = await backend.put(`etag/${i}`, chunked(body, chunk), { kind: 'none' }, 64 * 1024 * 1024)
      expect(info.size).toBe(bytes)
      expect(info.etag).toBe(sha(body))
      const file = readFileSync(join(backend.root, 'etag', String(i)))
      expect(file.length).toBe(bytes + TRAILER_BYTES)
      expect(file.subarray(0, bytes).equals(body)).toBe(true)
    })
  }

  it('concurrent large uploads each get their own digest', async () => {
    const bodies = [0, 1, 2, 3].map((seed) => pattern(2 * INLINE_HASH_BYTES + seed * 1000, seed + 10))
    const infos = await Promise.all(
      bodies.map((body, i) => backend.put(`etag/many-${i}`, chunked(body, 65_536), { kind: 'none' }, 1 << 26)),
    )
    expect(infos.map((info) => info.etag)).toEqual(bodies.map(sha))
  })
})
