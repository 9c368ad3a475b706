import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import { type Embedder, MAX_TEXT_BYTES, MAX_TEXTS } from '../embedder.ts'

// POST /v1/embed and GET /v1/embed/models (DESIGN §5 "embed"). POST /v1/embed is a read (scopes.ts).

const embedBody = z.strictObject({
  texts: z.array(z.string().min(1)).min(1).max(MAX_TEXTS),
  model: z.string().min(1).optional(),
  kind: z.enum(['query', 'document']).optional(),
})

/** Room for 256 texts of 32 KiB each, JSON-escaped at up to twice their size, and the envelope. */
export const EMBED_BODY_LIMIT_BYTES = MAX_TEXTS * MAX_TEXT_BYTES * 2 + 64 * 1024

export function registerEmbedRoutes(app: App, embedder: Embedder): void {
  app.post('/v1/embed', { schema: { body: embedBody }, bodyLimit: EMBED_BODY_LIMIT_BYTES }, async (req) => {
    const result = await embedder.embed(req.body)
    return { model: result.model, dim: result.dim, vectors: result.vectors.map((vector) => Array.from(vector)) }
  })

  app.get('/v1/embed/models', async () => ({ default_model: embedder.defaultModel, models: embedder.listModels() }))
}
