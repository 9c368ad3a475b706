import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import type { QueryEngine } from '../query-engine.ts'
import { renderResult } from '../result-formats.ts'

// POST /v1/query/sql (DESIGN §5 "query"): a read-scope POST. The body cap is generous for JSON
// escaping; the SQL text itself is held to query.max_sql_bytes by the engine. A client that goes
// away before its answer is complete cancels the query.

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const sqlBodySchema = z.strictObject({
  sql: z.string().min(1),
  params: z.union([z.array(scalar), z.record(z.string(), scalar)]).optional(),
  format: z.enum(['json', 'ndjson', 'csv', 'arrow']).default('json'),
  max_rows: z.number().int().positive().optional(),
  timeout_ms: z.number().int().positive().optional(),
})

export function registerSqlRoute(app: App, engine: QueryEngine, maxSqlBytes: number): void {
  app.post(
    '/v1/query/sql',
    { schema: { body: sqlBodySchema }, bodyLimit: maxSqlBytes * 2 + 64 * 1024 },
    async (req, reply) => {
      const cancel = new AbortController()
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) cancel.abort()
      })
      const run = await engine.start(req.body, cancel.signal)
      const rendered = await renderResult(run, req.body.format)
      reply.type(rendered.contentType)
      return rendered.body
    },
  )
}
