import type { Readable } from 'node:stream'
import type { App } from '@lakehouse/shared'
import { ingestRoutes } from '@lakehouse/shared/contracts/ingest.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Ingestor } from '../ingest.ts'

// POST /v1/ingest/<dataset> (DESIGN §5 "ingest"). The body is never parsed or buffered here: every
// content type reaches the domain as the raw request stream, which counts it against the upload cap.

export function registerIngestRoutes(app: App, ingestor: Ingestor): void {
  // ingestd has no JSON-body route, so the raw-stream parser can be the only one it has.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
  app.route({
    ...routeOptions(ingestRoutes.ingest),
    handler: async (req) => {
      const { format, mode, delimiter, header } = req.query
      return ingestor.ingest({
        dataset: req.params.dataset,
        format,
        mode,
        csv: { delimiter, header },
        contentType: req.headers['content-type'],
        idempotencyKey: req.headers['idempotency-key'],
        declaredLength: req.headers['content-length'],
        body: req.body as Readable | undefined,
      })
    },
  })
}
