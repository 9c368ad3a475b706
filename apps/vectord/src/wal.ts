import { createHash } from 'node:crypto'
import { endianness } from 'node:os'
import type { Metadata } from '@lakehouse/shared/contracts/vectors.ts'
import type { ItemWrite } from './vector-index.ts'

// One WAL entry = one acknowledged upsert or delete batch (ADR-011). Binary, little-endian:
//   "LHW1" | u8 op (1 upsert, 2 delete) | u32 dim | u32 count | items... | sha256 of all before (32)
//   upsert item: u16 id bytes | id | dim × f32 | u32 metadata bytes | metadata JSON
//   delete item: u16 id bytes | id
// A decode that fails its checksum or its framing throws: a WAL entry is never half-applied.

export type WalBatch = { op: 'upsert'; items: ItemWrite[] } | { op: 'delete'; ids: string[] }

const MAGIC = Buffer.from('LHW1')
/** Float32Array bytes are the platform's order; on little-endian hosts they are copied as they are. */
const LITTLE_ENDIAN = endianness() === 'LE'
const OP_UPSERT = 1
const OP_DELETE = 2

export class CorruptWalEntry extends Error {}

export function walKey(index: string, seq: number): string {
  return `vectors/${index}/wal/${String(seq).padStart(12, '0')}.lhw1`
}

export function encodeWal(batch: WalBatch, dim: number): Buffer {
  const parts: Buffer[] = [MAGIC]
  const head = Buffer.alloc(9)
  head.writeUInt8(batch.op === 'upsert' ? OP_UPSERT : OP_DELETE, 0)
  head.writeUInt32LE(dim, 1)
  head.writeUInt32LE(batch.op === 'upsert' ? batch.items.length : batch.ids.length, 5)
  parts.push(head)
  const pushId = (id: string) => {
    const bytes = Buffer.from(id)
    const len = Buffer.alloc(2)
    len.writeUInt16LE(bytes.length)
    parts.push(len, bytes)
  }
  if (batch.op === 'delete') {
    for (const id of batch.ids) pushId(id)
  } else {
    for (const item of batch.items) {
      pushId(item.id)
      const vector = Buffer.alloc(dim * 4)
      if (LITTLE_ENDIAN) vector.set(new Uint8Array(item.vector.buffer, item.vector.byteOffset, dim * 4))
      else for (let i = 0; i < dim; i++) vector.writeFloatLE(item.vector[i] as number, i * 4)
      const metadata = Buffer.from(JSON.stringify(item.metadata))
      const len = Buffer.alloc(4)
      len.writeUInt32LE(metadata.length)
      parts.push(vector, len, metadata)
    }
  }
  const body = Buffer.concat(parts)
  return Buffer.concat([body, createHash('sha256').update(body).digest()])
}

export function decodeWal(bytes: Buffer): WalBatch {
  if (bytes.length < 4 + 9 + 32 || !bytes.subarray(0, 4).equals(MAGIC)) throw new CorruptWalEntry('not an LHW1 entry')
  const body = bytes.subarray(0, bytes.length - 32)
  const digest = createHash('sha256').update(body).digest()
  if (!digest.equals(bytes.subarray(bytes.length - 32))) throw new CorruptWalEntry('sha256 mismatch')
  const op = body.readUInt8(4)
  const dim = body.readUInt32LE(5)
  const count = body.readUInt32LE(9)
  let at = 13
  const need = (n: number) => {
    if (at + n > body.length) throw new CorruptWalEntry('truncated entry')
  }
  const readId = () => {
    need(2)
    const len = body.readUInt16LE(at)
    need(2 + len)
    const id = body.toString('utf8', at + 2, at + 2 + len)
    at += 2 + len
    return id
  }
  if (op === OP_DELETE) {
    const ids: string[] = []
    for (let n = 0; n < count; n++) ids.push(readId())
    return { op: 'delete', ids }
  }
  if (op !== OP_UPSERT) throw new CorruptWalEntry(`unknown op ${op}`)
  const items: ItemWrite[] = []
  for (let n = 0; n < count; n++) {
    const id = readId()
    need(dim * 4 + 4)
    const vector = new Float32Array(dim)
    if (LITTLE_ENDIAN) new Uint8Array(vector.buffer).set(body.subarray(at, at + dim * 4))
    else for (let i = 0; i < dim; i++) vector[i] = body.readFloatLE(at + i * 4)
    at += dim * 4
    const len = body.readUInt32LE(at)
    need(4 + len)
    const metadata = JSON.parse(body.toString('utf8', at + 4, at + 4 + len)) as Metadata
    at += 4 + len
    items.push({ id, vector, metadata })
  }
  return { op: 'upsert', items }
}
