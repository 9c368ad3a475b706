import type { App } from '@lakehouse/shared'
import { embedRoutes, encodeFloat32Base64, MAX_TEXT_BYTES, MAX_TEXTS } from '@lakehouse/shared/contracts/embed.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Embedder } from '../embedder.ts'

// POST /v1/embed and GET /v1/embed/models (DESIGN §5 "embed"). POST /v1/embed is a read.

/** Room for 256 texts of 32 KiB each, JSON-escaped at up to twice their size, and the envelope. */
export const EMBED_BODY_LIMIT_BYTES = MAX_TEXTS * MAX_TEXT_BYTES * 2 + 64 * 1024

export function registerEmbedRoutes(app: App, embedder: Embedder): void {
  app.route({
    ...routeOptions(embedRoutes.embed),
    bodyLimit: EMBED_BODY_LIMIT_BYTES,
    handler: async (req) => {
      const { encoding, ...request } = req.body
      const result = await embedder.embed(request)
      const vectors = result.vectors.map((vector) =>
        encoding === 'base64' ? encodeFloat32Base64(vector) : Array.from(vector),
      )
      return { model: result.model, dim: result.dim, encoding: encoding ?? 'float', vectors }
    },
  })

  app.route({
    ...routeOptions(embedRoutes.models),
    handler: async () => ({ default_model: embedder.defaultModel, models: embedder.listModels() }),
  })
}
