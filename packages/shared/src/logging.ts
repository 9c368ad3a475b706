import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config/schema.ts'

// pino options for every daemon: JSON lines carrying the service name (and, per request, the
// request id as `reqId`), with credentials redacted wherever they could appear.
export function loggerOptions(service: string, config: Config): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: config.log.level,
    base: { service, pid: process.pid },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.secret_access_key',
        '*.access_key_id',
        '*.token',
        '*.api_key',
      ],
      censor: '[redacted]',
    },
  }
}
