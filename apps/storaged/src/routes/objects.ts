import type { App } from '@lakehouse/shared'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import { storageRoutes } from '@lakehouse/shared/contracts/storage.ts'
import { type ObjectService, readHeaders } from '../objects.ts'

// /v1/storage/objects/<key>: PUT, GET, HEAD, DELETE (DESIGN §5 "storage"). PUT bodies arrive as
// the raw request stream, whatever their content type, and are never buffered here.

export async function registerObjectRoutes(app: App, objects: ObjectService): Promise<void> {
  // In its own scope, so the catch-all stream parser applies to these routes only.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))

    scope.route({
      ...routeOptions(storageRoutes.putObject),
      bodyLimit: objects.maxBytes,
      handler: async (req, reply) => {
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
      },
    })
  })

  app.route({
    ...routeOptions(storageRoutes.getObject),
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const read = await objects.get(req.url, req.headers.range)
      const { status, headers } = readHeaders(read.info, read)
      reply.status(status).headers(headers)
      return reply.send(read.body)
    },
  })

  app.route({
    ...routeOptions(storageRoutes.headObject),
    handler: async (req, reply) => {
      const info = await objects.head(req.url)
      const { status, headers } = readHeaders(info)
      reply.status(status).headers(headers)
      return reply.send()
    },
  })

  app.route({
    ...routeOptions(storageRoutes.deleteObject),
    handler: async (req, reply) => {
      await objects.delete(req.url)
      return reply.status(204).send()
    },
  })
}
