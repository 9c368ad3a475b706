import { z } from 'zod'
import { defineRoute } from './route.ts'

// The vectors API (DESIGN §5 "vectors", §6, §7; ADR-011): HNSW indexes, items, filtered search and
// index-a-table jobs. Every upsert and delete is acknowledged only once its WAL entry is durable.

export const IndexNameParams = z.strictObject({ name: z.string() })
export const ItemParams = z.strictObject({ name: z.string(), id: z.string() })

export const Metric = z.enum(['cosine', 'l2', 'ip'])
export type Metric = z.infer<typeof Metric>

export const MetadataValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
/** A flat object of scalars; at most 4 KiB as JSON (checked by vectord, 400 with the item's index). */
export const Metadata = z.record(z.string(), MetadataValue)
export type Metadata = z.infer<typeof Metadata>

const ItemId = z
  .string()
  .min(1)
  .refine((id) => Buffer.byteLength(id) <= 256, 'ids are at most 256 bytes')

export const CreateIndexRequest = z.strictObject({
  name: z.string(),
  dim: z.number().int().min(1).max(16_384),
  metric: Metric,
  m: z.number().int().min(2).max(128).optional(),
  ef_construction: z.number().int().min(1).max(4096).optional(),
  ef_search: z.number().int().min(1).max(4096).optional(),
  /** embedd model for text items and text queries; unset means embedd's default model. */
  model: z.string().min(1).max(128).optional(),
})
export type CreateIndexRequest = z.infer<typeof CreateIndexRequest>

export const JobState = z.enum(['running', 'done', 'failed'])

export const FromDatasetJob = z.strictObject({
  state: JobState,
  dataset: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  started_at: z.string(),
  finished_at: z.string().optional(),
  error: z.string().optional(),
})
export type FromDatasetJob = z.infer<typeof FromDatasetJob>

export const IndexInfo = z.strictObject({
  name: z.string(),
  dim: z.number().int(),
  metric: Metric,
  m: z.number().int(),
  ef_construction: z.number().int(),
  ef_search: z.number().int(),
  model: z.string().nullable(),
  count: z.number().int().nonnegative(),
  /** Generation of the live snapshot; 0 before the first one. */
  generation: z.number().int().nonnegative(),
  /** WAL entries written since the live snapshot. */
  wal_length: z.number().int().nonnegative(),
  job: FromDatasetJob.nullable(),
  created_at: z.string(),
})
export type IndexInfo = z.infer<typeof IndexInfo>

export const IndexList = z.strictObject({ indexes: z.array(IndexInfo) })

export const UpsertItem = z.strictObject({
  id: ItemId,
  vector: z.array(z.number()).optional(),
  text: z
    .string()
    .min(1)
    .max(32 * 1024)
    .optional(),
  metadata: Metadata.optional(),
})
export type UpsertItem = z.infer<typeof UpsertItem>

export const UpsertRequest = z.strictObject({ items: z.array(UpsertItem).min(1).max(1000) })
export const UpsertResponse = z.strictObject({ upserted: z.number().int().nonnegative() })

export const DeleteItemsRequest = z.strictObject({ ids: z.array(ItemId).min(1).max(1000) })
export const DeleteItemsResponse = z.strictObject({ deleted: z.number().int().nonnegative() })

export const SearchRequest = z.strictObject({
  vector: z.array(z.number()).optional(),
  text: z
    .string()
    .min(1)
    .max(32 * 1024)
    .optional(),
  k: z.number().int().min(1).max(1000).optional(),
  ef: z.number().int().min(1).max(4096).optional(),
  /** Metadata field -> value; every pair must hold (equality). */
  filter: Metadata.optional(),
})
export type SearchRequest = z.infer<typeof SearchRequest>

export const SearchHit = z.strictObject({ id: z.string(), distance: z.number(), metadata: Metadata })
export type SearchHit = z.infer<typeof SearchHit>
export const SearchResponse = z.strictObject({ hits: z.array(SearchHit) })

export const ItemResponse = z.strictObject({ id: z.string(), vector: z.array(z.number()), metadata: Metadata })
export type ItemResponse = z.infer<typeof ItemResponse>

export const FromDatasetRequest = z.strictObject({
  dataset: z.string(),
  id_column: z.string().min(1).max(255),
  text_column: z.string().min(1).max(255),
  metadata_columns: z.array(z.string().min(1).max(255)).max(64).optional(),
  version: z.number().int().positive().optional(),
})
export type FromDatasetRequest = z.infer<typeof FromDatasetRequest>

export const vectorRoutes = {
  createIndex: defineRoute({
    method: 'POST',
    url: '/v1/vectors/indexes',
    scope: 'write',
    summary: 'create an HNSW index',
    body: CreateIndexRequest,
    response: IndexInfo,
  }),
  listIndexes: defineRoute({
    method: 'GET',
    url: '/v1/vectors/indexes',
    scope: 'read',
    summary: 'every index with its counts and parameters',
    response: IndexList,
  }),
  getIndex: defineRoute({
    method: 'GET',
    url: '/v1/vectors/indexes/:name',
    scope: 'read',
    summary: "an index's parameters, count, snapshot generation, WAL length and job",
    params: IndexNameParams,
    response: IndexInfo,
  }),
  deleteIndex: defineRoute({
    method: 'DELETE',
    url: '/v1/vectors/indexes/:name',
    scope: 'admin',
    summary: 'delete an index, its snapshots and its WAL',
    params: IndexNameParams,
  }),
  upsert: defineRoute({
    method: 'POST',
    url: '/v1/vectors/indexes/:name/upsert',
    scope: 'write',
    summary: 'insert or replace items; acknowledged once durable',
    params: IndexNameParams,
    body: UpsertRequest,
    response: UpsertResponse,
  }),
  deleteItems: defineRoute({
    method: 'POST',
    url: '/v1/vectors/indexes/:name/delete',
    scope: 'write',
    summary: 'delete items by id; acknowledged once durable',
    params: IndexNameParams,
    body: DeleteItemsRequest,
    response: DeleteItemsResponse,
  }),
  search: defineRoute({
    method: 'POST',
    url: '/v1/vectors/indexes/:name/search',
    scope: 'read',
    summary: 'k nearest items to a vector or a text, optionally filtered by metadata',
    params: IndexNameParams,
    body: SearchRequest,
    response: SearchResponse,
  }),
  getItem: defineRoute({
    method: 'GET',
    url: '/v1/vectors/indexes/:name/items/:id',
    scope: 'read',
    summary: "an item's vector and metadata",
    params: ItemParams,
    response: ItemResponse,
  }),
  fromDataset: defineRoute({
    method: 'POST',
    url: '/v1/vectors/indexes/:name/from-dataset',
    scope: 'write',
    summary: "index a dataset's text column (202 with the job; progress in get)",
    params: IndexNameParams,
    body: FromDatasetRequest,
    response: FromDatasetJob,
  }),
} as const
