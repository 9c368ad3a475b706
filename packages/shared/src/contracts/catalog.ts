import { z } from 'zod'
import { duckDbTypeProblem } from './duckdb-type.ts'
import { defineRoute } from './route.ts'

// The catalog API (DESIGN §5 "catalog", §6): manifests, commits, versions, vacuum. A manifest is
// immutable once committed; `generation` changes on every commit anywhere.

export const DatasetNameParams = z.strictObject({ name: z.string() })

/** C0, DEL and C1 controls: they make two names print the same and break every text format. */
const CONTROL = /\p{Cc}/u

/** Any text a CSV header may hold (spaces included), but not empty, not controls, at most 255 bytes. */
export const ColumnName = z
  .string()
  .min(1)
  .refine((name) => !CONTROL.test(name), 'a column name may not contain control characters')
  .refine((name) => Buffer.byteLength(name, 'utf8') <= 255, 'a column name is at most 255 bytes of UTF-8')

/** A DuckDB logical type name, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP, DECIMAL(18,3), BIGINT[]. */
export const ColumnType = z.string().superRefine((type, ctx) => {
  const problem = duckDbTypeProblem(type)
  if (problem) ctx.addIssue({ code: 'custom', message: `not a DuckDB type name: ${problem}` })
})

export const SchemaField = z.strictObject({ name: ColumnName, type: ColumnType, nullable: z.boolean() })
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

/**
 * What catalogd's compactor commits (ADR-022): the files it read (`remove`, all in the latest
 * version) replaced by the files it wrote (`files`, the same rows). Not accepted at the commits
 * route: only catalogd itself rewrites a dataset's files.
 */
export const CompactRequest = z.strictObject({
  operation: z.literal('compact'),
  remove: z.array(z.string().min(1).max(1024)).min(1),
  files: z.array(DataFile).min(1),
})
export type CompactRequest = z.infer<typeof CompactRequest>

export const CommitOperation = z.enum(['create', 'append', 'replace', 'delete', 'compact'])
export type CommitOperation = z.infer<typeof CommitOperation>

// Answers are parsed with z.object, not strictObject: a client accepts (and drops) a field a newer
// catalogd adds, while requests stay strict so a typo is refused.
/**
 * A column as a manifest holds it. Looser than SchemaField on purpose: a manifest committed before
 * the type and name rules must still read (queryd re-checks type names before it uses them).
 */
const StoredField = z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })

export const Manifest = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  operation: CommitOperation,
  schema: z.array(StoredField),
  files: z.array(DataFile),
  row_count: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  created_at: z.string(),
  committed_at: z.string(),
  /** The idempotency key of the commit that wrote this version; a later commit with it commits nothing. */
  idempotency_key: z.string().optional(),
  /** Set on the tombstone version written by a delete. */
  deleted: z.boolean().optional(),
})
export type Manifest = z.infer<typeof Manifest>

export const DatasetList = z.object({ datasets: z.array(Manifest), generation: z.number().int().nonnegative() })
export type DatasetList = z.infer<typeof DatasetList>

export const Generation = z.object({ generation: z.number().int().nonnegative() })

export const VersionEntry = z.object({
  version: z.number().int().positive(),
  operation: CommitOperation,
  row_count: z.number().int().nonnegative(),
  committed_at: z.string(),
})
export type VersionEntry = z.infer<typeof VersionEntry>

export const VersionList = z.object({ name: z.string(), versions: z.array(VersionEntry) })
export type VersionList = z.infer<typeof VersionList>

export const VacuumResult = z.object({
  /** Keys of the data files removed. */
  deleted: z.array(z.string()),
  /** Data files left in place (referenced by some version, or younger than the grace period). */
  kept: z.number().int().nonnegative(),
})
export type VacuumResult = z.infer<typeof VacuumResult>

export const CompactResult = z.object({
  /** false: nothing was rewritten (too few small files), and `manifest` is the latest unchanged. */
  compacted: z.boolean(),
  /** Why nothing was rewritten, when compacted is false. */
  reason: z.string().optional(),
  files_removed: z.number().int().nonnegative(),
  files_added: z.number().int().nonnegative(),
  manifest: Manifest,
})
export type CompactResult = z.infer<typeof CompactResult>

export const CompactBody = z.strictObject({}).nullish()

export const VersionQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() })

export const VacuumRequest = z.strictObject({}).nullish()

export const catalogRoutes = {
  listDatasets: defineRoute({
    method: 'GET',
    url: '/v1/catalog/datasets',
    scope: 'read',
    summary: 'every live dataset with the global generation',
    response: DatasetList,
  }),
  generation: defineRoute({
    method: 'GET',
    url: '/v1/catalog/generation',
    scope: 'read',
    summary: 'the global generation: changes on every commit',
    response: Generation,
  }),
  getManifest: defineRoute({
    method: 'GET',
    url: '/v1/catalog/datasets/:name',
    scope: 'read',
    summary: "a dataset's latest (or given) manifest",
    params: DatasetNameParams,
    querystring: VersionQuery,
    response: Manifest,
  }),
  listVersions: defineRoute({
    method: 'GET',
    url: '/v1/catalog/datasets/:name/versions',
    scope: 'read',
    summary: 'every version of a dataset, deleted ones included',
    params: DatasetNameParams,
    response: VersionList,
  }),
  commit: defineRoute({
    method: 'POST',
    url: '/v1/catalog/datasets/:name/commits',
    scope: 'write',
    summary: 'commit a new version atomically',
    params: DatasetNameParams,
    body: CommitRequest,
    response: Manifest,
  }),
  deleteDataset: defineRoute({
    method: 'DELETE',
    url: '/v1/catalog/datasets/:name',
    scope: 'admin',
    summary: 'write a tombstone version; history stays readable',
    params: DatasetNameParams,
    response: Manifest,
  }),
  compact: defineRoute({
    method: 'POST',
    url: '/v1/catalog/datasets/:name/compact',
    scope: 'write',
    summary: "rewrite a dataset's small files into files near the target size, as a new version with the same rows",
    params: DatasetNameParams,
    body: CompactBody,
    response: CompactResult,
  }),
  vacuum: defineRoute({
    method: 'POST',
    url: '/v1/catalog/vacuum',
    scope: 'admin',
    summary: 'remove unreferenced data files older than the grace period',
    body: VacuumRequest,
    response: VacuumResult,
  }),
} as const
