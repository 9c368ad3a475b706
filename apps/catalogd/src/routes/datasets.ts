import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import type { Catalog } from '../catalog.ts'

// HTTP for datasets (DESIGN §5 "catalog"): validate, call the catalog, return what it answers.
// Names are checked by the domain, so a bad one is 400 invalid_name rather than invalid_request.

const nameParams = z.strictObject({ name: z.string() })

const getQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() })

const schemaField = z.strictObject({
  name: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  nullable: z.boolean(),
})

const dataFile = z.strictObject({
  key: z.string().min(1).max(1024),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
})

const commitBody = z.strictObject({
  operation: z.enum(['create', 'append', 'replace']),
  expected_version: z.number().int().nonnegative().optional(),
  schema: z
    .array(schemaField)
    .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, 'column names must be unique'),
  files: z.array(dataFile),
  idempotency_key: z.string().min(1).max(512).optional(),
})

export function registerDatasetRoutes(app: App, catalog: Catalog): void {
  app.get('/v1/catalog/datasets', async () => catalog.listDatasets())

  app.get('/v1/catalog/generation', async () => ({ generation: await catalog.generation() }))

  app.get('/v1/catalog/datasets/:name', { schema: { params: nameParams, querystring: getQuery } }, async (req) =>
    catalog.getManifest(req.params.name, req.query.version),
  )

  app.get('/v1/catalog/datasets/:name/versions', { schema: { params: nameParams } }, async (req) =>
    catalog.listVersions(req.params.name),
  )

  app.post(
    '/v1/catalog/datasets/:name/commits',
    { schema: { params: nameParams, body: commitBody } },
    async (req, reply) => {
      reply.status(201)
      return catalog.commit(req.params.name, req.body)
    },
  )

  app.delete('/v1/catalog/datasets/:name', { schema: { params: nameParams } }, async (req) =>
    catalog.deleteDataset(req.params.name),
  )
}
