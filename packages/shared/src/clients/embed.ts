import type { Config } from '../config/schema.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of embedd (DESIGN §5 "embed") for vectord and observerd. Vectors come back as plain
// number arrays of float32 values, `dim` long each, unit length for the hashing models. Embedding
// is idempotent, but nothing here retries (ServiceClient's rule): the caller decides.

export type EmbedKind = 'query' | 'document'

export interface EmbedRequest {
  /** 1..256 texts, each at most 32 KiB of UTF-8. */
  texts: string[]
  /** A configured model name; unset means embedd's default_model. */
  model?: string
  /** Which side of a search the texts are on; some models prefix them differently. Default document. */
  kind?: EmbedKind
}

export interface EmbedResponse {
  model: string
  dim: number
  encoding: 'float'
  vectors: number[][]
}

export interface Float32EmbedResponse {
  model: string
  dim: number
  vectors: Float32Array[]
}

export interface EmbedModelInfo {
  name: string
  provider: string
  dim: number
}

export interface EmbedModelList {
  default_model: string
  models: EmbedModelInfo[]
}

/** base64 of float32 little-endian bytes -> Float32Array (copied, so it is aligned and owned). */
export function decodeFloat32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float32Array(bytes.byteLength / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

export class EmbedClient extends PeerClient {
  embed(request: EmbedRequest): Promise<EmbedResponse> {
    return this.http.json<EmbedResponse>({ method: 'POST', path: '/v1/embed', json: request })
  }

  /** The same vectors as Float32Arrays, sent as base64 float32 bytes: the fast path for indexes. */
  async embedFloat32(request: EmbedRequest): Promise<Float32EmbedResponse> {
    const answer = await this.http.json<{ model: string; dim: number; vectors: string[] }>({
      method: 'POST',
      path: '/v1/embed',
      json: { ...request, encoding: 'base64' },
    })
    return { model: answer.model, dim: answer.dim, vectors: answer.vectors.map(decodeFloat32) }
  }

  models(): Promise<EmbedModelList> {
    return this.http.json<EmbedModelList>({ method: 'GET', path: '/v1/embed/models' })
  }
}

export function embedClient(config: Config): EmbedClient {
  return new EmbedClient(serviceClient(config, 'embedd'))
}
