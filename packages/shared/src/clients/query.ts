import type { Readable } from 'node:stream'
import type { Config } from '../config/schema.ts'
import { type QueryFormat, QueryResult, type QueryTable, type SqlRequest, TableList } from '../contracts/query.ts'
import { serviceClient } from '../http-client.ts'
import { PeerClient } from './peer-client.ts'

// The client of queryd (DESIGN §5 "query") for vectord and observerd. sql() answers the json shape;
// stream() hands back the body of the streamed formats as it arrives. Errors come back typed:
// StatementNotAllowed (403), SqlError (400), QueryTimeout (504). The HTTP deadline is the query's
// own timeout plus a margin, so queryd's 504 arrives before the client gives up on it.

export type {
  QueryColumn,
  QueryFormat,
  QueryResult,
  QueryTable,
  QueryValue,
  SqlParam,
  SqlRequest,
} from '../contracts/query.ts'

const MARGIN_MS = 5_000

export class QueryClient extends PeerClient {
  sql(request: Omit<SqlRequest, 'format'> & { format?: 'json' }): Promise<QueryResult> {
    return this.parsed(QueryResult, {
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
    const answer = await this.parsed(TableList, { method: 'GET', path: '/v1/query/tables' })
    return answer.tables
  }

  #deadline(request: SqlRequest): { timeoutMs?: number } {
    return request.timeout_ms === undefined ? {} : { timeoutMs: request.timeout_ms + MARGIN_MS }
  }
}

export function queryClient(config: Config): QueryClient {
  return new QueryClient(serviceClient(config, 'queryd'))
}
