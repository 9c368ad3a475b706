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
  vectors: number[][]
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

export class EmbedClient extends PeerClient {
  embed(request: EmbedRequest): Promise<EmbedResponse> {
    return this.http.json<EmbedResponse>({ method: 'POST', path: '/v1/embed', json: request })
  }

  models(): Promise<EmbedModelList> {
    return this.http.json<EmbedModelList>({ method: 'GET', path: '/v1/embed/models' })
  }
}

export function embedClient(config: Config): EmbedClient {
  return new EmbedClient(serviceClient(config, 'embedd'))
}
