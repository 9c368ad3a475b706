import type { Readable } from 'node:stream'
import type { Config } from '../config/schema.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of queryd (DESIGN §5 "query") for vectord and observerd. sql() answers the json shape;
// stream() hands back the body of the streamed formats as it arrives. Errors come back typed:
// StatementNotAllowed (403), SqlError (400), QueryTimeout (504). The HTTP deadline is the query's
// own timeout plus a margin, so queryd's 504 arrives before the client gives up on it.

export type QueryFormat = 'json' | 'ndjson' | 'csv' | 'arrow'
export type SqlParam = string | number | boolean | null

export interface SqlRequest {
  sql: string
  params?: SqlParam[] | Record<string, SqlParam>
  max_rows?: number
  timeout_ms?: number
}

export interface QueryColumn {
  name: string
  /** DuckDB type name, e.g. BIGINT, VARCHAR, DECIMAL(18,3). */
  type: string
}

/** BIGINT beyond 2^53 and DECIMAL arrive as strings, DATE/TIMESTAMP as ISO 8601, BLOB as base64. */
export type QueryValue = null | boolean | number | string | QueryValue[] | { [key: string]: QueryValue }

export interface QueryResult {
  columns: QueryColumn[]
  rows: QueryValue[][]
  row_count: number
  truncated: boolean
  elapsed_ms: number
}

export interface QueryTable {
  name: string
  columns: QueryColumn[]
}

const MARGIN_MS = 5_000

export class QueryClient extends PeerClient {
  sql(request: SqlRequest & { format?: 'json' }): Promise<QueryResult> {
    return this.http.json<QueryResult>({
      method: 'POST',
      path: '/v1/query/sql',
      json: request,
      ...this.#deadline(request),
    })
  }

  /** ndjson, csv or arrow bytes as they arrive; the caller must consume or destroy the stream. */
  async stream(request: SqlRequest & { format: Exclude<QueryFormat, 'json'> }): Promise<Readable> {
    const response = await this.http.request({
      method: 'POST',
      path: '/v1/query/sql',
      json: request,
      ...this.#deadline(request),
    })
    return response.body
  }

  async tables(): Promise<QueryTable[]> {
    const answer = await this.http.json<{ tables: QueryTable[] }>({ method: 'GET', path: '/v1/query/tables' })
    return answer.tables
  }

  #deadline(request: SqlRequest): { timeoutMs?: number } {
    return request.timeout_ms === undefined ? {} : { timeoutMs: request.timeout_ms + MARGIN_MS }
  }
}

export function queryClient(config: Config): QueryClient {
  return new QueryClient(serviceClient(config, 'queryd'))
}
