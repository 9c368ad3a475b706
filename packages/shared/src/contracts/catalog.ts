import { z } from 'zod'
import { defineRoute } from './route.ts'

// The catalog API (DESIGN §5 "catalog", §6): manifests, commits, versions, vacuum. A manifest is
// immutable once committed; `generation` changes on every commit anywhere.

export const DatasetNameParams = z.strictObject({ name: z.string() })

export const SchemaField = z.strictObject({
  name: z.string().min(1).max(255),
  /** DuckDB logical type name, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP, DECIMAL(18,3). */
  type: z.string().min(1).max(255),
  nullable: z.boolean(),
})
export type SchemaField = z.infer<typeof SchemaField>

export const DataFile = z.strictObject({
  /** Object key in storaged, e.g. datasets/<name>/data/<ulid>.parquet */
  key: z.string().min(1).max(1024),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
})
export type DataFile = z.infer<typeof DataFile>

export const CommitRequest = z.strictObject({
  operation: z.enum(['create', 'append', 'replace']),
  expected_version: z.number().int().nonnegative().optional(),
  schema: z
    .array(SchemaField)
    .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, 'column names must be unique'),
  files: z.array(DataFile),
  idempotency_key: z.string().min(1).max(512).optional(),
})
export type CommitRequest = z.infer<typeof CommitRequest>

export const VersionQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() })

export const VacuumRequest = z.strictObject({}).nullish()

export const catalogRoutes = {
  listDatasets: defineRoute({
    method: 'GET',
    url: '/v1/catalog/datasets',
    scope: 'read',
    summary: 'every live dataset with the global generation',
  }),
  generation: defineRoute({
    method: 'GET',
    url: '/v1/catalog/generation',
    scope: 'read',
    summary: 'the global generation: changes on every commit',
  }),
  getManifest: defineRoute({
    method: 'GET',
    url: '/v1/catalog/datasets/:name',
    scope: 'read',
    summary: "a dataset's latest (or given) manifest",
    params: DatasetNameParams,
    querystring: VersionQuery,
  }),
  listVersions: defineRoute({
    method: 'GET',
    url: '/v1/catalog/datasets/:name/versions',
    scope: 'read',
    summary: 'every version of a dataset, deleted ones included',
    params: DatasetNameParams,
  }),
  commit: defineRoute({
    method: 'POST',
    url: '/v1/catalog/datasets/:name/commits',
    scope: 'write',
    summary: 'commit a new version atomically',
    params: DatasetNameParams,
    body: CommitRequest,
  }),
  deleteDataset: defineRoute({
    method: 'DELETE',
    url: '/v1/catalog/datasets/:name',
    scope: 'admin',
    summary: 'write a tombstone version; history stays readable',
    params: DatasetNameParams,
  }),
  vacuum: defineRoute({
    method: 'POST',
    url: '/v1/catalog/vacuum',
    scope: 'admin',
    summary: 'remove unreferenced data files older than the grace period',
    body: VacuumRequest,
  }),
} as const
