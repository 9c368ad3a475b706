import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, writeFile } from 'node:fs/promises'
import type { IndexParams, ItemTables } from './vector-index.ts'

// LHV1, the snapshot stream of one index (DESIGN §7, ADR-011), little-endian:
//   "LHV1" | u32 format version (1) | u32 header bytes H | header JSON (H bytes)
//   then three sections, each: 4-byte tag | u64 length L | sha256 of the L bytes (32) | L bytes
//     "IDS " JSON {next_label, labels, ids}   "META" JSON [metadata per label]   "HNSW" hnswlib's file
//   then "LEND".
// Vectors live once, inside hnswlib's file (its level-0 block); no separate vector section.
// The header holds no clock, so the same index always encodes to the same bytes.

export interface Lhv1Header {
  params: IndexParams
  count: number
  /** The last WAL sequence number this snapshot contains; replay starts at wal_seq + 1. */
  wal_seq: number
}

export class CorruptSnapshot extends Error {}

const MAGIC = Buffer.from('LHV1')
const END = Buffer.from('LEND')
const VERSION = 1
const TAGS = ['IDS ', 'META', 'HNSW'] as const

function sectionHead(tag: string, length: number, sha256: Buffer): Buffer {
  const head = Buffer.alloc(4 + 8 + 32)
  head.write(tag, 0, 'latin1')
  head.writeBigUInt64LE(BigInt(length), 4)
  sha256.copy(head, 12)
  return head
}

async function fileSha256(path: string): Promise<{ sha256: Buffer; length: number }> {
  const hash = createHash('sha256')
  let length = 0
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
    length += (chunk as Buffer).length
  }
  return { sha256: hash.digest(), length }
}

/** The stream as buffers, in order; the graph file is read twice (hash, then bytes), never held whole. */
export async function* encodeLhv1(header: Lhv1Header, tables: ItemTables, graphPath: string): AsyncGenerator<Buffer> {
  const headerJson = Buffer.from(JSON.stringify(header))
  const prefix = Buffer.alloc(12)
  MAGIC.copy(prefix, 0)
  prefix.writeUInt32LE(VERSION, 4)
  prefix.writeUInt32LE(headerJson.length, 8)
  yield prefix
  yield headerJson
  const ids = Buffer.from(JSON.stringify({ next_label: tables.next_label, labels: tables.labels, ids: tables.ids }))
  const meta = Buffer.from(JSON.stringify(tables.metadata))
  for (const [tag, bytes] of [
    ['IDS ', ids],
    ['META', meta],
  ] as const) {
    yield sectionHead(tag, bytes.length, createHash('sha256').update(bytes).digest())
    yield bytes
  }
  const graph = await fileSha256(graphPath)
  yield sectionHead('HNSW', graph.length, graph.sha256)
  let copied = 0
  for await (const chunk of createReadStream(graphPath, { highWaterMark: 4 * 1024 * 1024 })) {
    copied += (chunk as Buffer).length
    yield chunk as Buffer
  }
  if (copied !== graph.length) throw new Error('graph file changed while it was being snapshotted')
  yield END
}

/** Parses a whole LHV1 file, verifying every section; the graph section is written to `graphPath`. */
export async function decodeLhv1(
  streamPath: string,
  graphPath: string,
): Promise<{ header: Lhv1Header; tables: ItemTables }> {
  const file = await open(streamPath, 'r')
  try {
    const size = (await file.stat()).size
    let at = 0
    const read = async (length: number): Promise<Buffer> => {
      if (at + length > size) throw new CorruptSnapshot('truncated snapshot')
      const buffer = Buffer.alloc(length)
      await file.read(buffer, 0, length, at)
      at += length
      return buffer
    }
    const prefix = await read(12)
    if (!prefix.subarray(0, 4).equals(MAGIC)) throw new CorruptSnapshot('not an LHV1 stream')
    if (prefix.readUInt32LE(4) !== VERSION) throw new CorruptSnapshot(`unknown LHV1 version ${prefix.readUInt32LE(4)}`)
    const header = JSON.parse((await read(prefix.readUInt32LE(8))).toString()) as Lhv1Header
    const sections: Record<string, Buffer> = {}
    for (const expected of TAGS) {
      const head = await read(44)
      const tag = head.toString('latin1', 0, 4)
      if (tag !== expected) throw new CorruptSnapshot(`expected section ${expected}, found ${JSON.stringify(tag)}`)
      const length = Number(head.readBigUInt64LE(4))
      const bytes = await read(length)
      if (!createHash('sha256').update(bytes).digest().equals(head.subarray(12, 44))) {
        throw new CorruptSnapshot(`section ${tag.trim()} fails its sha256`)
      }
      if (tag === 'HNSW') await writeFile(graphPath, bytes)
      else sections[tag] = bytes
    }
    if (!(await read(4)).equals(END) || at !== size) throw new CorruptSnapshot('no LEND marker at the end')
    const ids = JSON.parse((sections['IDS '] as Buffer).toString()) as Omit<ItemTables, 'metadata'>
    const metadata = JSON.parse((sections.META as Buffer).toString()) as ItemTables['metadata']
    return { header, tables: { ...ids, metadata } }
  } finally {
    await file.close()
  }
}
