import type { Config } from '../config/schema.ts'
import type {
  CreateIndexRequest,
  FromDatasetJob,
  FromDatasetRequest,
  IndexInfo,
  ItemResponse,
  SearchHit,
  SearchRequest,
  UpsertItem,
} from '../contracts/vectors.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of vectord (DESIGN §5 "vectors") for observerd and benches. Errors come back typed:
// AlreadyExists (409) on create, NotFound (404) for an absent index or item, InvalidRequest (400)
// with the offending item's index in `issues`. Nothing here retries an upsert: it is acknowledged
// only once durable, so a failed call may or may not have landed (re-upserting is idempotent).

export type {
  CreateIndexRequest,
  FromDatasetJob,
  FromDatasetRequest,
  IndexInfo,
  ItemResponse,
  Metadata,
  Metric,
  SearchHit,
  SearchRequest,
  UpsertItem,
} from '../contracts/vectors.ts'

const indexPath = (name: string) => `/v1/vectors/indexes/${encodeURIComponent(name)}`

export class VectorClient extends PeerClient {
  createIndex(request: CreateIndexRequest): Promise<IndexInfo> {
    return this.http.json<IndexInfo>({ method: 'POST', path: '/v1/vectors/indexes', json: request })
  }

  getIndex(name: string): Promise<IndexInfo> {
    return this.http.json<IndexInfo>({ method: 'GET', path: indexPath(name) })
  }

  listIndexes(): Promise<{ indexes: IndexInfo[] }> {
    return this.http.json<{ indexes: IndexInfo[] }>({ method: 'GET', path: '/v1/vectors/indexes' })
  }

  async deleteIndex(name: string): Promise<void> {
    const response = await this.http.request({ method: 'DELETE', path: indexPath(name) })
    await response.body.dump()
  }

  upsert(name: string, items: UpsertItem[]): Promise<{ upserted: number }> {
    return this.http.json<{ upserted: number }>({ method: 'POST', path: `${indexPath(name)}/upsert`, json: { items } })
  }

  deleteItems(name: string, ids: string[]): Promise<{ deleted: number }> {
    return this.http.json<{ deleted: number }>({ method: 'POST', path: `${indexPath(name)}/delete`, json: { ids } })
  }

  search(name: string, request: SearchRequest): Promise<{ hits: SearchHit[] }> {
    return this.http.json<{ hits: SearchHit[] }>({ method: 'POST', path: `${indexPath(name)}/search`, json: request })
  }

  getItem(name: string, id: string): Promise<ItemResponse> {
    return this.http.json<ItemResponse>({ method: 'GET', path: `${indexPath(name)}/items/${encodeURIComponent(id)}` })
  }

  /** 202 with the started job; 409 while another from-dataset job runs on the index. */
  fromDataset(name: string, request: FromDatasetRequest): Promise<FromDatasetJob> {
    return this.http.json<FromDatasetJob>({ method: 'POST', path: `${indexPath(name)}/from-dataset`, json: request })
  }
}

export function vectorClient(config: Config): VectorClient {
  return new VectorClient(serviceClient(config, 'vectord'))
}
