import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileHasher } from '../src/file-hasher.ts'
import { TRAILER_BYTES } from '../src/fs-trailer.ts'
import { SYNC_AHEAD_BYTES, WRITE_BATCH_BYTES, writeObjectFile } from '../src/object-file.ts'

// Rule (ADR-027): a PUT body reaches the temp file in writes of at least WRITE_BATCH_BYTES (not one
// per 64 KiB socket chunk), the disk starts writing back every SYNC_AHEAD_BYTES while the body
// still arrives, and an early datasync that fails fails the write: the object is acknowledged only
// once every byte and the trailer were fsynced.

const SOCKET_CHUNK = 64 * 1024

function socketChunks(body: Buffer): Readable {
  const parts: Buffer[] = []
  for (let at = 0; at < body.length; at += SOCKET_CHUNK) parts.push(body.subarray(at, at + SOCKET_CHUNK))
  return Readable.from(parts)
}

function pattern(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes)
  for (let i = 0; i < bytes; i++) out[i] = (i * 13 + 7) & 0xff
  return out
}

describe('fs PUT: batched writes, early writeback, one fsync that counts', () => {
  let dir: string
  const hasher = new FileHasher()
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lh-batch-'))
  })
  afterAll(async () => {
    await hasher.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes a 64 KiB-chunked body in batches and syncs ahead every SYNC_AHEAD_BYTES', async () => {
    const body = pattern(3 * SYNC_AHEAD_BYTES + 12_345)
    const path = join(dir, 'batched')
    const handle = await open(path, 'wx')
    const writeBytes: number[] = []
    const writev = handle.writev.bind(handle)
    handle.writev = (buffers, position) => {
      writeBytes.push(buffers.reduce((n, b) => n + b.byteLength, 0))
      return writev(buffers, position)
    }
    const written = await writeObjectFile(socketChunks(body), handle, path, hasher).finally(() => handle.close())
    // Every body write but the last carries a whole batch (the very last writev is the trailer).
    const bodyWrites = writeBytes.slice(0, -1)
    expect(bodyWrites.slice(0, -1).every((n) => n >= WRITE_BATCH_BYTES)).toBe(true)
    expect(bodyWrites.reduce((a, b) => a + b, 0)).toBe(body.length)
    expect(written.counts.writes).toBe(bodyWrites.length)
    expect(written.sha256.equals(createHash('sha256').update(body).digest())).toBe(true)
    // At most one write per batch (more chunks gather while a write is in flight), where one per
    // socket chunk would be 385.
    expect(written.counts.writes).toBeLessThanOrEqual(Math.ceil(body.length / WRITE_BATCH_BYTES))
    // One per SYNC_AHEAD_BYTES written at most, and at least one before the body ended.
    expect(written.counts.syncsAhead).toBeGreaterThanOrEqual(1)
    expect(written.counts.syncsAhead).toBeLessThanOrEqual(3)
    const file = readFileSync(path)
    expect(file.length).toBe(body.length + TRAILER_BYTES)
    expect(file.subarray(0, body.length).equals(body)).toBe(true)
  })

  it('a small body is one write and no early sync', async () => {
    const body = pattern(100_000)
    const path = join(dir, 'small')
    const handle = await open(path, 'wx')
    const written = await writeObjectFile(socketChunks(body), handle, path, hasher).finally(() => handle.close())
    expect(written.counts).toEqual({ writes: 1, syncsAhead: 0 })
  })

  it('fails the write when an early datasync fails, before the final fsync', async () => {
    const path = join(dir, 'eio')
    const handle = await open(path, 'wx')
    let finalSyncs = 0
    handle.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    const sync = handle.sync.bind(handle)
    handle.sync = () => {
      finalSyncs++
      return sync()
    }
    const write = writeObjectFile(socketChunks(pattern(2 * SYNC_AHEAD_BYTES)), handle, path, hasher)
    await expect(write.finally(() => handle.close())).rejects.toThrow(/EIO/)
    expect(finalSyncs).toBe(0)
  })
})
