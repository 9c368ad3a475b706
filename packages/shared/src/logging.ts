import type { FastifyRequest, FastifyServerOptions } from 'fastify'
import type { Config } from './config/schema.ts'

// pino options for every daemon: JSON lines carrying the service name (and, per request, the
// request id as `reqId`), with credentials redacted wherever they could appear, the query string of
// every logged URL included (a token sent as ?token=… is refused, but it must not reach a log).

/** Query parameters whose values are credentials, compared case-insensitively. */
const SECRET_PARAMS = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'sig',
  'signature',
  'auth',
  'authorization',
  'credential',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
])

export const REDACTED = '[redacted]'

function paramName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? ''
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).toLowerCase()
  } catch {
    return raw.toLowerCase()
  }
}

/** The URL with the value of every credential-named query parameter replaced; the rest unchanged. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?')
  if (queryAt < 0) return url
  const pairs = url.slice(queryAt + 1).split('&')
  const redacted = pairs.map((pair) =>
    SECRET_PARAMS.has(paramName(pair)) ? `${pair.split('=', 1)[0]}=${REDACTED}` : pair,
  )
  return `${url.slice(0, queryAt)}?${redacted.join('&')}`
}

function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }
}

export function loggerOptions(service: string, config: Config): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: config.log.level,
    base: { service, pid: process.pid },
    serializers: { req: serializeRequest },
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
      censor: REDACTED,
    },
  }
}
