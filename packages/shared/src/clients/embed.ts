import type { Config } from '../config/schema.ts'
import {
  Base64EmbedResponse,
  decodeFloat32Base64,
  EmbedModelList,
  type EmbedRequest,
  type FloatEmbedResponse,
} from '../contracts/embed.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of embedd (DESIGN §5 "embed") for vectord, observerd and pathway; both methods ask for
// base64 on the wire (ADR-023). Vectors come back as plain
// number arrays of float32 values, `dim` long each, unit length for the hashing models. Embedding
// is idempotent, but nothing here retries (ServiceClient's rule): the caller decides.

export type { EmbedKind, EmbedModelInfo, EmbedModelList } from '../contracts/embed.ts'

/** What a caller asks for; the encoding is the client's business (embed or embedFloat32). */
export type EmbedClientRequest = Omit<EmbedRequest, 'encoding'>

export interface Float32EmbedResponse {
  model: string
  dim: number
  vectors: Float32Array[]
}

export class EmbedClient extends PeerClient {
  /** Vectors as number arrays; they travel as base64 float32 bytes all the same (a quarter of the
   * JSON, no number formatting or parsing on either side), as every caller's do (ADR-023). */
  async embed(request: EmbedClientRequest): Promise<FloatEmbedResponse> {
    const answer = await this.embedFloat32(request)
    return {
      model: answer.model,
      dim: answer.dim,
      encoding: 'float',
      vectors: answer.vectors.map((v) => Array.from(v)),
    }
  }

  /** The same vectors as Float32Arrays, sent as base64 float32 bytes: the fast path for indexes. */
  async embedFloat32(request: EmbedClientRequest): Promise<Float32EmbedResponse> {
    const answer = await this.parsed(Base64EmbedResponse, {
      method: 'POST',
      path: '/v1/embed',
      json: { ...request, encoding: 'base64' },
    })
    return { model: answer.model, dim: answer.dim, vectors: answer.vectors.map(decodeFloat32Base64) }
  }

  models(): Promise<EmbedModelList> {
    return this.parsed(EmbedModelList, { method: 'GET', path: '/v1/embed/models' })
  }
}

export function embedClient(config: Config): EmbedClient {
  return new EmbedClient(serviceClient(config, 'embedd'))
}
