import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import type { ObjectService } from '../objects.ts'

// GET /v1/storage/objects?prefix=&cursor=&limit= (DESIGN §5 "storage"): one page in key order.

const listQuery = z.strictObject({
  prefix: z.string().default(''),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
})

export function registerListRoute(app: App, objects: ObjectService): void {
  app.get('/v1/storage/objects', { schema: { querystring: listQuery } }, async (req) =>
    objects.list(req.query.prefix, req.query.cursor, req.query.limit),
  )
}
