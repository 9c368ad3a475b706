import type { App } from '@lakehouse/shared'
import { queryRoutes } from '@lakehouse/shared/contracts/query.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { QueryEngine } from '../query-engine.ts'
import { renderResult } from '../result-formats.ts'

// POST /v1/query/sql (DESIGN §5 "query"): a read-scope POST. The body cap is generous for JSON
// escaping; the SQL text itself is held to query.max_sql_bytes by the engine. A client that goes
// away before its answer is complete cancels the query.

export function registerSqlRoute(app: App, engine: QueryEngine, maxSqlBytes: number): void {
  app.route({
    ...routeOptions(queryRoutes.sql),
    bodyLimit: maxSqlBytes * 2 + 64 * 1024,
    handler: async (req, reply) => {
      const cancel = new AbortController()
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) cancel.abort()
      })
      const run = await engine.start(req.body, cancel.signal)
      const rendered = await renderResult(run, req.body.format)
      reply.type(rendered.contentType)
      return rendered.body
    },
  })
}
