import { describe, expect, it } from 'vitest'
import { CorruptWalEntry, decodeWal, encodeWal, type WalBatch, walKey } from '../src/wal.ts'

// LHW1 entries (ADR-011): float32 vectors and metadata round-trip exactly; any flipped byte or a
// truncated entry is refused, never half-applied.

const batch: WalBatch = {
  op: 'upsert',
  items: [
    { id: 'ä-1', vector: Float32Array.from([0.1, -2.5, 3e-8]), metadata: { city: 'Lyon', n: 3, ok: true, x: null } },
    { id: 'b', vector: Float32Array.from([1, 2, 3]), metadata: {} },
  ],
}

describe('LHW1', () => {
  it('round-trips an upsert and a delete batch', () => {
    expect(decodeWal(encodeWal(batch, 3))).toEqual(batch)
    expect(decodeWal(encodeWal({ op: 'delete', ids: ['x', 'ä'] }, 3))).toEqual({ op: 'delete', ids: ['x', 'ä'] })
  })

  it('refuses any flipped byte and a truncated entry', () => {
    const bytes = encodeWal(batch, 3)
    for (let at = 0; at < bytes.length; at += 7) {
      const bad = Buffer.from(bytes)
      bad[at] = (bad[at] as number) ^ 0xff
      expect(() => decodeWal(bad)).toThrow(CorruptWalEntry)
    }
    expect(() => decodeWal(bytes.subarray(0, bytes.length - 1))).toThrow(CorruptWalEntry)
  })

  it('names entries so that key order is sequence order', () => {
    expect(walKey('ix', 42)).toBe('vectors/ix/wal/000000000042.lhw1')
    expect([walKey('ix', 10), walKey('ix', 9)].sort()).toEqual([walKey('ix', 9), walKey('ix', 10)])
  })
})
