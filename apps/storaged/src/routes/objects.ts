import type { App } from '@lakehouse/shared'
import { z } from 'zod'
import { type ObjectService, readHeaders } from '../objects.ts'

// /v1/storage/objects/<key>: PUT, GET, HEAD, DELETE (DESIGN §5 "storage"). PUT bodies arrive as
// the raw request stream, whatever their content type, and are never buffered here.

const OBJECT = '/v1/storage/objects/*'

const putHeaders = z.looseObject({
  'if-none-match': z.literal('*', { error: 'If-None-Match accepts only *' }).optional(),
  'if-match': z.string().min(1).optional(),
  'content-length': z.string().optional(),
})

const getHeaders = z.looseObject({ range: z.string().optional() })

export async function registerObjectRoutes(app: App, objects: ObjectService): Promise<void> {
  // In its own scope, so the catch-all stream parser applies to these routes only.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))

    scope.put(OBJECT, { schema: { headers: putHeaders }, bodyLimit: objects.maxBytes }, async (req, reply) => {
      const result = await objects.put({
        url: req.url,
        // The raw stream, also when Fastify skipped parsing (no content-type nor length announced).
        body: req.raw,
        contentLength: req.headers['content-length'],
        ifNoneMatch: req.headers['if-none-match'],
        ifMatch: req.headers['if-match'],
      })
      reply.status(201).header('etag', result.etag)
      return result
    })
  })

  app.get(OBJECT, { schema: { headers: getHeaders }, exposeHeadRoute: false }, async (req, reply) => {
    const read = await objects.get(req.url, req.headers.range)
    const { status, headers } = readHeaders(read.info, read)
    reply.status(status).headers(headers)
    return reply.send(read.body)
  })

  app.head(OBJECT, async (req, reply) => {
    const info = await objects.head(req.url)
    const { status, headers } = readHeaders(info)
    reply.status(status).headers(headers)
    return reply.send()
  })

  app.delete(OBJECT, async (req, reply) => {
    await objects.delete(req.url)
    return reply.status(204).send()
  })
}
