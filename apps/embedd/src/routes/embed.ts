import os from 'node:os'
import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import { type Embedder, MAX_TEXT_BYTES, MAX_TEXTS } from '../embedder.ts'

// POST /v1/embed and GET /v1/embed/models (DESIGN §5 "embed"). POST /v1/embed is a read (scopes.ts).

const embedBody = z.strictObject({
  texts: z.array(z.string().min(1)).min(1).max(MAX_TEXTS),
  model: z.string().min(1).optional(),
  kind: z.enum(['query', 'document']).optional(),
  /** `float` (default): arrays of numbers. `base64`: each vector's float32 little-endian bytes. */
  encoding: z.enum(['float', 'base64']).optional(),
})

/** Room for 256 texts of 32 KiB each, JSON-escaped at up to twice their size, and the envelope. */
export const EMBED_BODY_LIMIT_BYTES = MAX_TEXTS * MAX_TEXT_BYTES * 2 + 64 * 1024

/**
 * A vector as base64 of its float32 little-endian bytes (as OpenAI's encoding_format "base64"):
 * about a quarter of the JSON text of 768 numbers, and no number formatting on either side.
 */
export function float32Base64(vector: Float32Array): string {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
  // Float32Array uses the platform's byte order; the wire format is little-endian.
  return (os.endianness() === 'LE' ? bytes : Buffer.from(bytes).swap32()).toString('base64')
}

export function registerEmbedRoutes(app: App, embedder: Embedder): void {
  app.post('/v1/embed', { schema: { body: embedBody }, bodyLimit: EMBED_BODY_LIMIT_BYTES }, async (req) => {
    const { encoding, ...request } = req.body
    const result = await embedder.embed(request)
    const vectors = result.vectors.map((vector) => (encoding === 'base64' ? float32Base64(vector) : Array.from(vector)))
    return { model: result.model, dim: result.dim, encoding: encoding ?? 'float', vectors }
  })

  app.get('/v1/embed/models', async () => ({ default_model: embedder.defaultModel, models: embedder.listModels() }))
}
