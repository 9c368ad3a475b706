import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { type Config, NotFound } from '@lakehouse/shared'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { CorruptSnapshot } from './lhv1.ts'

// Where snapshots live (DESIGN §6, ADR-011): the LHV1 stream cut into fixed-size chunks under one
// generation, a MANIFEST.json listing each chunk's size and sha256 (written create-only, after every
// chunk), and CURRENT naming the live manifest and the one before it, swapped with If-Match. A
// generation is live only once CURRENT names it, so a torn upload is never read.

export interface GenerationRef {
  manifest: string
  generation: number
  wal_seq: number
}

export interface Current extends GenerationRef {
  /** The generation before: the fallback when this one fails its checksums. */
  previous: GenerationRef | null
}

export interface ChunkEntry {
  key: string
  size: number
  sha256: string
}

export interface SnapshotManifest {
  index: string
  generation: number
  wal_seq: number
  count: number
  total_bytes: number
  chunk_bytes: number
  chunks: ChunkEntry[]
  created_at: string
}

/** Every chunk is one storaged object: never above the object cap, whatever vectors.chunk_bytes says. */
export function snapshotChunkBytes(config: Pick<Config, 'vectors' | 'storage'>): number {
  return Math.min(config.vectors.chunk_bytes, config.storage.max_object_bytes)
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')
export const currentKey = (index: string) => `vectors/${index}/CURRENT`
export const generationPrefix = (index: string, generation: number) => `vectors/${index}/snap/${pad(generation, 12)}/`

export class SnapshotStore {
  readonly #storage: StorageClient
  readonly #chunkBytes: number

  constructor(storage: StorageClient, chunkBytes: number) {
    this.#storage = storage
    this.#chunkBytes = chunkBytes
  }

  async readCurrent(index: string): Promise<{ current: Current; etag: string } | undefined> {
    let got: Awaited<ReturnType<StorageClient['getStream']>>
    try {
      got = await this.#storage.getStream(currentKey(index))
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
    const { body } = got
    const chunks: Buffer[] = []
    for await (const chunk of body) chunks.push(chunk as Buffer)
    return { current: JSON.parse(Buffer.concat(chunks).toString()) as Current, etag: got.info.etag }
  }

  /** Uploads the stream as chunks, then its manifest (create-only: a generation is written once). */
  async write(
    index: string,
    generation: number,
    stream: AsyncIterable<Buffer>,
    meta: { wal_seq: number; count: number },
  ): Promise<GenerationRef> {
    const prefix = generationPrefix(index, generation)
    const chunks: ChunkEntry[] = []
    let buffer = Buffer.allocUnsafe(this.#chunkBytes)
    let filled = 0
    let total = 0
    const flush = async () => {
      const bytes = buffer.subarray(0, filled)
      const key = `${prefix}chunk-${pad(chunks.length, 6)}.lhv1`
      await this.#storage.putIfAbsent(key, bytes, { contentLength: bytes.length })
      chunks.push({ key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })
      buffer = Buffer.allocUnsafe(this.#chunkBytes)
      filled = 0
    }
    for await (const piece of stream) {
      let at = 0
      while (at < piece.length) {
        const n = Math.min(piece.length - at, this.#chunkBytes - filled)
        piece.copy(buffer, filled, at, at + n)
        filled += n
        at += n
        total += n
        if (filled === this.#chunkBytes) await flush()
      }
    }
    if (filled > 0) await flush()
    const manifest: SnapshotManifest = {
      index,
      generation,
      wal_seq: meta.wal_seq,
      count: meta.count,
      total_bytes: total,
      chunk_bytes: this.#chunkBytes,
      chunks,
      created_at: new Date().toISOString(),
    }
    const key = `${prefix}MANIFEST.json`
    await this.#storage.putIfAbsent(key, JSON.stringify(manifest, null, 1))
    return { manifest: key, generation, wal_seq: meta.wal_seq }
  }

  /** Compare-and-swap of CURRENT; PreconditionFailed when someone else moved it first. */
  async swapCurrent(index: string, next: Current, etag: string | undefined): Promise<string> {
    const body = JSON.stringify(next)
    const put = etag
      ? await this.#storage.putIfMatch(currentKey(index), body, etag)
      : await this.#storage.putIfAbsent(currentKey(index), body)
    return put.etag
  }

  /** Fetches every chunk of a generation into `path`, verifying each; CorruptSnapshot when one fails. */
  async fetch(ref: GenerationRef, path: string): Promise<SnapshotManifest> {
    let manifest: SnapshotManifest
    try {
      manifest = JSON.parse((await this.#storage.getBuffer(ref.manifest)).toString()) as SnapshotManifest
    } catch (err) {
      throw new CorruptSnapshot(`manifest ${ref.manifest} unreadable: ${(err as Error).message}`)
    }
    const out = createWriteStream(path)
    try {
      for (const chunk of manifest.chunks) {
        let bytes: Buffer
        try {
          bytes = await this.#storage.getBuffer(chunk.key)
        } catch (err) {
          throw new CorruptSnapshot(`chunk ${chunk.key} missing: ${(err as Error).message}`)
        }
        const sha = createHash('sha256').update(bytes).digest('hex')
        if (bytes.length !== chunk.size || sha !== chunk.sha256) {
          throw new CorruptSnapshot(`chunk ${chunk.key} fails its sha256 (manifest ${chunk.sha256.slice(0, 12)}…)`)
        }
        if (!out.write(bytes)) await once(out, 'drain')
      }
    } finally {
      out.end()
      await once(out, 'close')
    }
    return manifest
  }

  /** Every generation number stored for the index, live or not. */
  async generations(index: string): Promise<number[]> {
    const found = new Set<number>()
    for await (const object of this.#storage.list(`vectors/${index}/snap/`)) {
      const match = /\/snap\/(\d{12})\//.exec(object.key)
      if (match) found.add(Number(match[1]))
    }
    return [...found].sort((a, b) => a - b)
  }

  async removeGeneration(index: string, generation: number): Promise<void> {
    for await (const object of this.#storage.list(generationPrefix(index, generation))) {
      await this.#storage.delete(object.key)
    }
  }
}
