import { z } from 'zod'
import { defineRoute } from './route.ts'

// The storage API (DESIGN §5 "storage"): objects by key, bytes in and out, and a paged listing.
// Object bodies are byte streams, so those routes declare no body or response schema; the key is
// the raw rest of the path (storaged reads it from the URL itself, ADR-004).

export const ObjectKeyParams = z.strictObject({ '*': z.string() })

export const PutObjectHeaders = z.looseObject({
  'if-none-match': z.literal('*', { error: 'If-None-Match accepts only *' }).optional(),
  'if-match': z.string().min(1).optional(),
  'content-length': z.string().optional(),
})

export const GetObjectHeaders = z.looseObject({ range: z.string().optional() })

export const ObjectInfo = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  /** Quoted, as in the ETag header. */
  etag: z.string(),
  /** ISO 8601. */
  last_modified: z.string(),
})
export type ObjectInfo = z.infer<typeof ObjectInfo>

export const PutResult = z.object({ key: z.string(), etag: z.string(), size: z.number().int().nonnegative() })
export type PutResult = z.infer<typeof PutResult>

export const ListQuery = z.strictObject({
  prefix: z.string().default(''),
  /** Keys after this one are listed; a page's next_cursor is the last key it holds. */
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
})

export const ListPage = z.object({ objects: z.array(ObjectInfo), next_cursor: z.string().nullable() })
export type ListPage = z.infer<typeof ListPage>

/**
 * The fs backend's folder id, relative to its root: a random id storaged writes each time it opens
 * the folder, under its reserved scratch folder, so no client key can write it. A daemon on the same
 * host that reads the same id there has found storaged's folder itself (ADR-034).
 */
export const FOLDER_ID_FILE = '.lh-tmp/folder-id'

export const StorageIdentity = z.object({
  backend: z.enum(['fs', 's3']),
  /** The fs backend's folder id; null for s3. */
  folder_id: z.string().nullable(),
})
export type StorageIdentity = z.infer<typeof StorageIdentity>

const OBJECT = '/v1/storage/objects/*'

export const storageRoutes = {
  putObject: defineRoute({
    method: 'PUT',
    url: OBJECT,
    scope: 'write',
    summary: 'store an object (If-None-Match: * creates only, If-Match: <etag> swaps)',
    params: ObjectKeyParams,
    headers: PutObjectHeaders,
    response: PutResult,
  }),
  getObject: defineRoute({
    method: 'GET',
    url: OBJECT,
    scope: 'read',
    summary: "an object's bytes, whole or one Range",
    params: ObjectKeyParams,
    headers: GetObjectHeaders,
  }),
  headObject: defineRoute({
    method: 'HEAD',
    url: OBJECT,
    scope: 'read',
    summary: "an object's size, etag and last modification",
    params: ObjectKeyParams,
  }),
  deleteObject: defineRoute({
    method: 'DELETE',
    url: OBJECT,
    scope: 'write',
    summary: 'remove an object; removing an absent key succeeds',
    params: ObjectKeyParams,
  }),
  listObjects: defineRoute({
    method: 'GET',
    url: '/v1/storage/objects',
    scope: 'read',
    summary: 'one page of objects under a prefix, in key order',
    querystring: ListQuery,
    response: ListPage,
  }),
  identity: defineRoute({
    method: 'GET',
    url: '/v1/storage/identity',
    scope: 'read',
    summary: "the backend, and the fs backend's folder id (ADR-034)",
    response: StorageIdentity,
  }),
} as const
