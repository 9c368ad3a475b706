import type { App } from '@lakehouse/shared'
import { embedRoutes, encodeFloat32Base64, MAX_TEXT_BYTES, MAX_TEXTS } from '@lakehouse/shared/contracts/embed.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Embedder, EmbedResult } from '../embedder.ts'

// POST /v1/embed and GET /v1/embed/models (DESIGN §5 "embed"). POST /v1/embed is a read.

/** Room for 256 texts of 32 KiB each, JSON-escaped at up to twice their size, and the envelope. */
export const EMBED_BODY_LIMIT_BYTES = MAX_TEXTS * MAX_TEXT_BYTES * 2 + 64 * 1024

/**
 * The base64 answer as the bytes of its JSON text, written out directly into one buffer: base64
 * needs no escaping, so the ~1 MB of a 256-vector answer is neither run through JSON.stringify and
 * the response schema it is built to (client-contract.test.ts parses it with that schema), nor held
 * as a 1 MB string that Fastify would measure and the socket re-encode as UTF-8. ADR-023, ADR-028.
 */
export function base64Answer(result: EmbedResult): Buffer {
  const head = Buffer.from(
    `{"model":${JSON.stringify(result.model)},"dim":${result.dim},"encoding":"base64","vectors":[`,
  )
  const { vectors } = result
  // Per vector: its base64 between quotes, and a comma before every one but the first; then "]}".
  let size = head.byteLength + 2 + Math.max(0, vectors.length - 1)
  for (const vector of vectors) size += base64Length(vector.byteLength) + 2
  const out = Buffer.allocUnsafe(size)
  let at = head.copy(out, 0)
  vectors.forEach((vector, i) => {
    if (i > 0) out[at++] = COMMA
    out[at++] = QUOTE
    at += out.write(encodeFloat32Base64(vector), at, 'latin1')
    out[at++] = QUOTE
  })
  out[at++] = CLOSE_BRACKET
  out[at++] = CLOSE_BRACE
  // allocUnsafe leaves old memory in whatever was not written: every byte must be ours.
  if (at !== size) throw new Error(`base64 answer is ${at} bytes, ${size} were reserved`)
  return out
}

const COMMA = 0x2c
const QUOTE = 0x22
const CLOSE_BRACKET = 0x5d
const CLOSE_BRACE = 0x7d

/** Characters of padded base64 for `bytes` bytes. */
const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4

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
