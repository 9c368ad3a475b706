import { z } from 'zod'
import { defineRoute } from './route.ts'

// The read-only subset of the Apache Iceberg REST Catalog API (OpenAPI "rest-catalog-open-api.yaml"),
// served by catalogd under /v1/iceberg (ADR-016). A client is configured with
// `uri = <gateway>/v1/iceberg`; it then calls `<uri>/v1/config`, `<uri>/v1/namespaces/...`. One
// namespace, `lakehouse`, holds every dataset. Shapes follow the spec's field names (kebab-case),
// not this project's conventions: the clients are other engines. Writes answer the spec's error
// shape with "not supported: write through /v1/ingest".

export const ICEBERG_NAMESPACE = 'lakehouse'
const BASE = '/v1/iceberg/v1'

export const NamespaceParams = z.strictObject({ namespace: z.string() })
export const TableParams = z.strictObject({ namespace: z.string(), table: z.string() })

/** The spec's error model: `{error: {message, type, code}}`, code being the HTTP status. */
export const IcebergErrorBody = z.object({
  error: z.object({ message: z.string(), type: z.string(), code: z.number().int() }),
})
export type IcebergErrorBody = z.infer<typeof IcebergErrorBody>

export const CatalogConfig = z.object({
  defaults: z.record(z.string(), z.string()),
  overrides: z.record(z.string(), z.string()),
  endpoints: z.array(z.string()).optional(),
})

export const ConfigQuery = z.strictObject({ warehouse: z.string().optional() })

export const ListNamespaces = z.object({ namespaces: z.array(z.array(z.string())) })
export const ListNamespacesQuery = z.strictObject({
  parent: z.string().optional(),
  pageToken: z.string().optional(),
  pageSize: z.coerce.number().int().positive().optional(),
})
export const NamespaceInfo = z.object({
  namespace: z.array(z.string()),
  properties: z.record(z.string(), z.string()),
})
export const PageQuery = z.strictObject({
  pageToken: z.string().optional(),
  pageSize: z.coerce.number().int().positive().optional(),
})
export const TableIdentifier = z.object({ namespace: z.array(z.string()), name: z.string() })
export const ListTables = z.object({ identifiers: z.array(TableIdentifier), 'next-page-token': z.string().nullish() })

/** Table metadata (spec "TableMetadata", format version 2): kept loose, it is derived and re-read. */
export const TableMetadata = z.looseObject({
  'format-version': z.literal(2),
  'table-uuid': z.string(),
  location: z.string(),
  'current-snapshot-id': z.number().int(),
  snapshots: z.array(z.looseObject({ 'snapshot-id': z.number().int(), 'manifest-list': z.string() })),
})
export type TableMetadata = z.infer<typeof TableMetadata>

export const LoadTableResult = z.object({
  'metadata-location': z.string(),
  metadata: TableMetadata,
  /** What a client needs to read the files: the S3 endpoint and path style with the s3 backend. */
  config: z.record(z.string(), z.string()),
})
export type LoadTableResult = z.infer<typeof LoadTableResult>

export const LoadTableQuery = z.strictObject({ snapshots: z.enum(['all', 'refs']).optional() })

// Write routes declare no body: every write is refused whatever it carries.
const writeRoute = <const U extends string, const M extends 'POST' | 'DELETE'>(method: M, url: U, summary: string) =>
  defineRoute({ method, url, scope: 'write', summary: `${summary}: refused (not supported: write through /v1/ingest)` })

export const icebergRoutes = {
  config: defineRoute({
    method: 'GET',
    url: `${BASE}/config`,
    scope: 'read',
    summary: 'Iceberg REST: catalog configuration (no prefix, no overrides)',
    querystring: ConfigQuery,
    response: CatalogConfig,
  }),
  listNamespaces: defineRoute({
    method: 'GET',
    url: `${BASE}/namespaces`,
    scope: 'read',
    summary: 'Iceberg REST: the one namespace, lakehouse',
    querystring: ListNamespacesQuery,
    response: ListNamespaces,
  }),
  loadNamespace: defineRoute({
    method: 'GET',
    url: `${BASE}/namespaces/:namespace`,
    scope: 'read',
    summary: "Iceberg REST: a namespace's properties",
    params: NamespaceParams,
    response: NamespaceInfo,
  }),
  namespaceExists: defineRoute({
    method: 'HEAD',
    url: `${BASE}/namespaces/:namespace`,
    scope: 'read',
    summary: 'Iceberg REST: 204 when the namespace exists',
    params: NamespaceParams,
  }),
  listTables: defineRoute({
    method: 'GET',
    url: `${BASE}/namespaces/:namespace/tables`,
    scope: 'read',
    summary: 'Iceberg REST: every live dataset as a table',
    params: NamespaceParams,
    querystring: PageQuery,
    response: ListTables,
  }),
  loadTable: defineRoute({
    method: 'GET',
    url: `${BASE}/namespaces/:namespace/tables/:table`,
    scope: 'read',
    summary: "Iceberg REST: a table's metadata location, metadata and storage config",
    params: TableParams,
    querystring: LoadTableQuery,
    response: LoadTableResult,
  }),
  tableExists: defineRoute({
    method: 'HEAD',
    url: `${BASE}/namespaces/:namespace/tables/:table`,
    scope: 'read',
    summary: 'Iceberg REST: 204 when the table exists',
    params: TableParams,
  }),
  createNamespace: writeRoute('POST', `${BASE}/namespaces`, 'Iceberg REST: create a namespace'),
  dropNamespace: writeRoute('DELETE', `${BASE}/namespaces/:namespace`, 'Iceberg REST: drop a namespace'),
  updateNamespace: writeRoute('POST', `${BASE}/namespaces/:namespace/properties`, 'Iceberg REST: set properties'),
  createTable: writeRoute('POST', `${BASE}/namespaces/:namespace/tables`, 'Iceberg REST: create a table'),
  registerTable: writeRoute('POST', `${BASE}/namespaces/:namespace/register`, 'Iceberg REST: register a table'),
  commitTable: writeRoute('POST', `${BASE}/namespaces/:namespace/tables/:table`, 'Iceberg REST: commit to a table'),
  dropTable: writeRoute('DELETE', `${BASE}/namespaces/:namespace/tables/:table`, 'Iceberg REST: drop a table'),
  renameTable: writeRoute('POST', `${BASE}/tables/rename`, 'Iceberg REST: rename a table'),
  commitTransaction: writeRoute('POST', `${BASE}/transactions/commit`, 'Iceberg REST: multi-table commit'),
} as const
