import type { App } from '@lakehouse/shared'
import { embedRoutes, encodeFloat32Base64, MAX_TEXT_BYTES, MAX_TEXTS } from '@lakehouse/shared/contracts/embed.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Embedder, EmbedResult } from '../embedder.ts'

// POST /v1/embed and GET /v1/embed/models (DESIGN §5 "embed"). POST /v1/embed is a read.

/** Room for 256 texts of 32 KiB each, JSON-escaped at up to twice their size, and the envelope. */
export const EMBED_BODY_LIMIT_BYTES = MAX_TEXTS * MAX_TEXT_BYTES * 2 + 64 * 1024

/**
 * The base64 answer as JSON text, written out directly: base64 needs no escaping, so the ~1 MB of a
 * 256-vector answer is not scanned again by JSON.stringify nor checked field by field against the
 * response schema it is built to (client-contract.test.ts parses it with that schema). ADR-023.
 */
export function base64Answer(result: EmbedResult): string {
  const head = `{"model":${JSON.stringify(result.model)},"dim":${result.dim},"encoding":"base64","vectors":[`
  return `${head}${result.vectors.map((vector) => `"${encodeFloat32Base64(vector)}"`).join(',')}]}`
}

export function registerEmbedRoutes(app: App, embedder: Embedder): void {
  app.route({
    ...routeOptions(embedRoutes.embed),
    bodyLimit: EMBED_BODY_LIMIT_BYTES,
    handler: async (req, reply) => {
      const { encoding, ...request } = req.body
      const result = await embedder.embed(request)
      if (encoding === 'base64') return reply.type('application/json').send(base64Answer(result))
      return {
        model: result.model,
        dim: result.dim,
        encoding: 'float' as const,
        vectors: result.vectors.map((vector) => Array.from(vector)),
      }
    },
  })

  app.route({
    ...routeOptions(embedRoutes.models),
    handler: async () => ({ default_model: embedder.defaultModel, models: embedder.listModels() }),
  })
}
