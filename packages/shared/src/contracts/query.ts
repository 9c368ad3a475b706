import { z } from 'zod'
import { defineRoute } from './route.ts'

// The query API (DESIGN §5 "query", §8): read-only SQL over every dataset. POST /v1/query/sql only
// reads, so its scope is `read`. The SQL text itself is held to query.max_sql_bytes by queryd.

export const QueryFormat = z.enum(['json', 'ndjson', 'csv', 'arrow'])
export type QueryFormat = z.infer<typeof QueryFormat>

export const SqlParam = z.union([z.string(), z.number(), z.boolean(), z.null()])
export type SqlParam = z.infer<typeof SqlParam>

export const SqlRequest = z.strictObject({
  sql: z.string().min(1),
  params: z.union([z.array(SqlParam), z.record(z.string(), SqlParam)]).optional(),
  format: QueryFormat.default('json'),
  max_rows: z.number().int().positive().optional(),
  timeout_ms: z.number().int().positive().optional(),
})
/** What a caller sends (format may be left out). */
export type SqlRequest = z.input<typeof SqlRequest>
/** What queryd works with once the body is parsed (format filled in). */
export type ParsedSqlRequest = z.output<typeof SqlRequest>

export const QueryColumn = z.object({
  name: z.string(),
  /** DuckDB type name, e.g. BIGINT, VARCHAR, DECIMAL(18,3). */
  type: z.string(),
})
export type QueryColumn = z.infer<typeof QueryColumn>

/** BIGINT beyond 2^53 and DECIMAL arrive as strings, DATE/TIMESTAMP as ISO 8601, BLOB as base64. */
export type QueryValue = null | boolean | number | string | QueryValue[] | { [key: string]: QueryValue }
export const QueryValue: z.ZodType<QueryValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(QueryValue), z.record(z.string(), QueryValue)]),
)

/** The `json` format's answer; the other formats are byte streams. */
export const QueryResult = z.object({
  columns: z.array(QueryColumn),
  rows: z.array(z.array(QueryValue)),
  row_count: z.number().int().nonnegative(),
  truncated: z.boolean(),
  elapsed_ms: z.number().nonnegative(),
})
export type QueryResult = z.infer<typeof QueryResult>

export const QueryTable = z.object({ name: z.string(), columns: z.array(QueryColumn) })
export type QueryTable = z.infer<typeof QueryTable>

export const TableList = z.object({ tables: z.array(QueryTable) })

export const queryRoutes = {
  sql: defineRoute({
    method: 'POST',
    url: '/v1/query/sql',
    scope: 'read',
    summary: 'run one read-only SQL statement; json answers whole, the other formats stream',
    body: SqlRequest,
    response: QueryResult,
  }),
  tables: defineRoute({
    method: 'GET',
    url: '/v1/query/tables',
    scope: 'read',
    summary: 'every view (one per dataset) with its columns',
    response: TableList,
  }),
} as const
