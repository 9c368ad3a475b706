import type { Readable } from 'node:stream'
import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import type { Ingestor } from '../ingest.ts'
import { FORMATS } from '../source-format.ts'

// POST /v1/ingest/<dataset> (DESIGN §5 "ingest"). The body is never parsed or buffered here: every
// content type reaches the domain as the raw request stream, which counts it against the upload cap.

const paramsSchema = z.strictObject({ dataset: z.string() })

const querySchema = z.strictObject({
  format: z.enum(FORMATS).optional(),
  mode: z.enum(['append', 'replace', 'create']).default('append'),
  delimiter: z.string().length(1, 'one character').optional(),
  header: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})

// Loose, not strict: a request carries many other headers, kept as they are; only these are typed.
const headersSchema = z.looseObject({
  'idempotency-key': z.string().optional(),
  'content-type': z.string().optional(),
  'content-length': z.string().optional(),
})

export function registerIngestRoutes(app: App, ingestor: Ingestor): void {
  // ingestd has no JSON-body route, so the raw-stream parser can be the only one it has.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
  app.post(
    '/v1/ingest/:dataset',
    { schema: { params: paramsSchema, querystring: querySchema, headers: headersSchema } },
    async (req) => {
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
  )
}
