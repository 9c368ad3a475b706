import type { Config } from '../config/schema.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// PLACEHOLDER of vectord's client, with the surface the vectord branch promised, so that observerd
// codes against it before vectord lands. The vectord branch's own file replaces this one at merge.

export type Metric = 'cosine' | 'l2' | 'ip'
export type MetadataValue = string | number | boolean | null

export interface CreateIndexRequest {
  name: string
  dim: number
  metric: Metric
  m?: number
  ef_construction?: number
  ef_search?: number
  model?: string
}

export interface IndexInfo {
  name: string
  dim: number
  metric: Metric
  [key: string]: unknown
}

export interface UpsertItem {
  id: string
  vector?: number[]
  text?: string
  metadata?: Record<string, MetadataValue>
}

export interface SearchRequest {
  vector?: number[]
  text?: string
  k?: number
  ef?: number
  filter?: Record<string, MetadataValue>
}

export interface SearchHit {
  id: string
  distance: number
  metadata: Record<string, MetadataValue>
}

const indexPath = (name: string) => `/v1/vectors/indexes/${encodeURIComponent(name)}`

export class VectorClient extends PeerClient {
  /** AlreadyExists (409) when the name is taken. */
  createIndex(request: CreateIndexRequest): Promise<IndexInfo> {
    return this.http.json<IndexInfo>({ method: 'POST', path: '/v1/vectors/indexes', json: request })
  }

  /** NotFound when absent. */
  getIndex(name: string): Promise<IndexInfo> {
    return this.http.json<IndexInfo>({ method: 'GET', path: indexPath(name) })
  }

  listIndexes(): Promise<{ indexes: IndexInfo[] }> {
    return this.http.json({ method: 'GET', path: '/v1/vectors/indexes' })
  }

  async deleteIndex(name: string): Promise<void> {
    const response = await this.http.request({ method: 'DELETE', path: indexPath(name) })
    await response.body.dump()
  }

  upsert(name: string, items: UpsertItem[]): Promise<{ upserted: number }> {
    return this.http.json({ method: 'POST', path: `${indexPath(name)}/upsert`, json: { items } })
  }

  deleteItems(name: string, ids: string[]): Promise<{ deleted: number }> {
    return this.http.json({ method: 'POST', path: `${indexPath(name)}/delete`, json: { ids } })
  }

  search(name: string, request: SearchRequest): Promise<{ hits: SearchHit[] }> {
    return this.http.json({ method: 'POST', path: `${indexPath(name)}/search`, json: request })
  }

  getItem(
    name: string,
    id: string,
  ): Promise<{ id: string; vector: number[]; metadata: Record<string, MetadataValue> }> {
    return this.http.json({ method: 'GET', path: `${indexPath(name)}/items/${encodeURIComponent(id)}` })
  }
}

export function vectorClient(config: Config): VectorClient {
  return new VectorClient(serviceClient(config, 'vectord'))
}
