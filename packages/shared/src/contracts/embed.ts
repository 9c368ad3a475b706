import os from 'node:os'
import { z } from 'zod'
import { defineRoute } from './route.ts'

// The embed API (DESIGN §5 "embed", ADR-008): texts in, vectors out. POST /v1/embed only reads,
// so its scope is `read`. Limits: 1..256 texts per request, 32 KiB of UTF-8 per text.

export const MAX_TEXTS = 256
export const MAX_TEXT_BYTES = 32 * 1024

/** Which side of a search the texts are on; some models prefix them differently. Default document. */
export const EmbedKind = z.enum(['query', 'document'])
export type EmbedKind = z.infer<typeof EmbedKind>

/** `float` (default): arrays of numbers. `base64`: each vector's float32 little-endian bytes. */
export const EmbedEncoding = z.enum(['float', 'base64'])
export type EmbedEncoding = z.infer<typeof EmbedEncoding>

export const EmbedRequest = z.strictObject({
  texts: z.array(z.string().min(1)).min(1).max(MAX_TEXTS),
  /** A configured model name; unset means embedd's default_model. */
  model: z.string().min(1).optional(),
  kind: EmbedKind.optional(),
  encoding: EmbedEncoding.optional(),
})
export type EmbedRequest = z.infer<typeof EmbedRequest>

export const FloatEmbedResponse = z.object({
  model: z.string(),
  dim: z.number().int().positive(),
  encoding: z.literal('float'),
  vectors: z.array(z.array(z.number())),
})
export type FloatEmbedResponse = z.infer<typeof FloatEmbedResponse>

export const Base64EmbedResponse = z.object({
  model: z.string(),
  dim: z.number().int().positive(),
  encoding: z.literal('base64'),
  vectors: z.array(z.string()),
})

export const EmbedResponse = z.discriminatedUnion('encoding', [FloatEmbedResponse, Base64EmbedResponse])
export type EmbedResponse = z.infer<typeof EmbedResponse>

export const EmbedModelInfo = z.object({ name: z.string(), provider: z.string(), dim: z.number().int().positive() })
export type EmbedModelInfo = z.infer<typeof EmbedModelInfo>

export const EmbedModelList = z.object({ default_model: z.string(), models: z.array(EmbedModelInfo) })
export type EmbedModelList = z.infer<typeof EmbedModelList>

/**
 * A vector as base64 of its float32 little-endian bytes (as OpenAI's encoding_format "base64"):
 * about a quarter of the JSON text of 768 numbers, and no number formatting on either side.
 */
export function encodeFloat32Base64(vector: Float32Array): string {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
  // Float32Array uses the platform's byte order; the wire format is little-endian.
  return (os.endianness() === 'LE' ? bytes : Buffer.from(bytes).swap32()).toString('base64')
}

/**
 * base64 of float32 little-endian bytes -> Float32Array, aligned and owned. On little-endian hosts
 * the text is decoded straight into the array's own bytes: no intermediate buffer, no copy, and
 * half the allocations of decode-then-copy, which set the client's garbage collection pace at
 * batch 256 (ADR-028).
 */
export function decodeFloat32Base64(text: string): Float32Array {
  if (os.endianness() !== 'LE') return decodeSwapped(text)
  // An upper bound: characters outside the alphabet are skipped by the decoder, so fewer may come.
  const out = new Float32Array(Buffer.byteLength(text, 'base64') >> 2)
  const written = Buffer.from(out.buffer).write(text, 'base64')
  return written === out.byteLength ? out : out.slice(0, written >> 2)
}

function decodeSwapped(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64')
  const out = new Float32Array(bytes.byteLength >> 2)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

export const embedRoutes = {
  embed: defineRoute({
    method: 'POST',
    url: '/v1/embed',
    scope: 'read',
    summary: 'vectors for 1..256 texts, in order, from a named or the default model',
    body: EmbedRequest,
    response: EmbedResponse,
  }),
  models: defineRoute({
    method: 'GET',
    url: '/v1/embed/models',
    scope: 'read',
    summary: 'the configured models and the default one',
    response: EmbedModelList,
  }),
} as const
