import { z } from 'zod'
import { DataFile, SchemaField } from './catalog.ts'
import { defineRoute } from './route.ts'

// The ingest API (DESIGN §5 "ingest", ADR-006): an upload in, one committed version out. The body
// is a byte stream of any content type, never parsed by the server, so it has no schema here.

export const SOURCE_FORMATS = ['csv', 'ndjson', 'json', 'parquet'] as const
export const SourceFormat = z.enum(SOURCE_FORMATS)
export type SourceFormat = z.infer<typeof SourceFormat>

export const IngestMode = z.enum(['append', 'replace', 'create'])
export type IngestMode = z.infer<typeof IngestMode>

export const IngestParams = z.strictObject({ dataset: z.string() })

export const IngestQuery = z.strictObject({
  format: SourceFormat.optional(),
  mode: IngestMode.default('append'),
  delimiter: z.string().length(1, 'one character').optional(),
  header: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})

export const IngestHeaders = z.looseObject({
  'idempotency-key': z.string().optional(),
  'content-type': z.string().optional(),
  'content-length': z.string().optional(),
})

export const IngestAnswer = z.object({
  dataset: z.string(),
  version: z.number().int().positive(),
  rows_ingested: z.number().int().nonnegative(),
  schema: z.array(SchemaField),
  files: z.array(DataFile),
})
export type IngestAnswer = z.infer<typeof IngestAnswer>

export const ingestRoutes = {
  ingest: defineRoute({
    method: 'POST',
    url: '/v1/ingest/:dataset',
    scope: 'write',
    summary: 'convert an upload (csv, ndjson, json, parquet) to Parquet and commit it as a new version',
    params: IngestParams,
    querystring: IngestQuery,
    headers: IngestHeaders,
    response: IngestAnswer,
  }),
} as const
