import { decodeFloat32Base64, encodeFloat32Base64 } from '@lakehouse/shared/contracts/embed.ts'
import { describe, expect, it } from 'vitest'
import { base64Answer } from '../src/routes/embed.ts'

// Rules (ADR-028): embedd writes its base64 answer straight into one buffer sized in advance, and
// those bytes are exactly the JSON text JSON.stringify would give (every base64 padding case, any
// model name, multi-byte UTF-8 included); the client decodes each vector straight into an owned
// Float32Array and still gets exactly what a decode-then-copy gave, stray characters included.

const vectorsOf = (count: number, dim: number) =>
  Array.from({ length: count }, (_, i) => Float32Array.from({ length: dim }, (_, j) => Math.sin(i * 31 + j) * 1e3))

describe('the base64 answer is the JSON text, byte for byte', () => {
  // dim 1, 2, 3: 4, 8 and 12 bytes, so "==", "=" and no padding; 768 is the built-in model.
  for (const dim of [1, 2, 3, 768]) {
    for (const count of [1, 2, 256]) {
      it(`${count} vectors of ${dim}`, () => {
        const vectors = vectorsOf(count, dim)
        const expected = JSON.stringify({
          model: 'hashing-768',
          dim,
          encoding: 'base64',
          vectors: vectors.map(encodeFloat32Base64),
        })
        expect(base64Answer({ model: 'hashing-768', dim, vectors }).toString('utf8')).toBe(expected)
      })
    }
  }

  it('with a model name that needs escaping and takes several UTF-8 bytes per character', () => {
    const model = 'mödel "ß" \\ \u2028 😀'
    const vectors = vectorsOf(3, 5)
    const bytes = base64Answer({ model, dim: 5, vectors })
    const expected = JSON.stringify({ model, dim: 5, encoding: 'base64', vectors: vectors.map(encodeFloat32Base64) })
    expect(bytes.equals(Buffer.from(expected))).toBe(true)
  })
})

describe('decoding into the Float32Array itself', () => {
  const reference = (text: string) => {
    const bytes = Buffer.from(text, 'base64')
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~3)))
  }

  for (const dim of [0, 1, 2, 3, 768]) {
    it(`round-trips ${dim} values`, () => {
      const [vector] = vectorsOf(1, dim) as [Float32Array]
      const decoded = decodeFloat32Base64(encodeFloat32Base64(vector))
      expect(decoded).toEqual(vector)
      expect(decoded.buffer.byteLength).toBe(decoded.byteLength)
    })
  }

  it('skips characters outside the alphabet as the decoder always did, at the exact length', () => {
    const [vector] = vectorsOf(1, 6) as [Float32Array]
    const text = encodeFloat32Base64(vector)
    // Eight stray characters are six bytes more than come out: the array must not keep them as zeros.
    const strays = [
      `${text.slice(0, 8)}\r\n\r\n\r\n\r\n${text.slice(8)}`,
      `${text}  \t\t  \t\t`,
      `${text.slice(0, 5)}!!!!!!!!${text.slice(5)}`,
    ]
    for (const stray of strays) {
      const decoded = decodeFloat32Base64(stray)
      expect(decoded).toEqual(reference(stray))
      expect(decoded.length).toBe(6)
      expect(decoded.buffer.byteLength).toBe(24)
    }
  })
})
