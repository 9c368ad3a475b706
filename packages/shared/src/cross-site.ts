import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CrossOriginRefused } from './errors.ts'
import { isLoopbackHost } from './loopback.ts'

// No cross-site writes (ADR-013). A browser may send a form-encoded, multipart or text/plain POST
// to any origin without a preflight, and every JSON route parses form-encoded bodies so that
// `curl -d '{…}'` works; so a page the operator opens could commit, delete or query on localhost.
// curl sends neither Origin nor Sec-Fetch-*; a browser always sends Origin on a cross-origin write,
// and Sec-Fetch-Site on every request. So:
//  - a body of a type a browser can send cross-site without a preflight is refused when the request
//    carries an Origin or says it is cross-site or same-site (in every mode);
//  - in local mode (no token: nothing else stands between a web page and the daemon), any
//    state-changing request whose Origin is not a loopback origin is refused;
//  - in local mode on a loopback bind, a request whose Host is not a loopback name is refused,
//    reads included: a page on a domain that rebinds its DNS to 127.0.0.1 is same-origin with
//    itself, sends no cross-site header, and could otherwise read every dataset.

const SIMPLE_BODY_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function hasSimpleBodyType(req: FastifyRequest): boolean {
  const type = header(req, 'content-type')?.split(';', 1)[0]?.trim().toLowerCase()
  return type !== undefined && SIMPLE_BODY_TYPES.includes(type)
}

function isFromAnotherSite(req: FastifyRequest): boolean {
  const site = header(req, 'sec-fetch-site')?.toLowerCase()
  return site === 'cross-site' || site === 'same-site'
}

/** True for an Origin of http(s) on a loopback host; `null` and anything unparsable are not. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin)
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(host)
  } catch {
    return false
  }
}

/** The host name of a Host header (`localhost:3110`, `[::1]:3110`, `127.0.0.1`). */
function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'))
  return hostHeader.split(':', 1)[0] ?? ''
}

export interface CrossSiteMode {
  /** No token configured. */
  isLocalMode: boolean
  /** The daemon listens on a loopback address, so every honest Host names loopback. */
  isLoopbackBound: boolean
}

export function crossSiteRefusal(req: FastifyRequest, mode: CrossSiteMode): CrossOriginRefused | undefined {
  const { isLocalMode } = mode
  const host = header(req, 'host')
  if (isLocalMode && mode.isLoopbackBound && host !== undefined && !isLoopbackHost(hostName(host).toLowerCase())) {
    return new CrossOriginRefused(
      `a request for host ${JSON.stringify(host)} is refused in local mode (DNS rebinding); use localhost or 127.0.0.1`,
    )
  }
  const origin = header(req, 'origin')
  if (hasSimpleBodyType(req) && (origin !== undefined || isFromAnotherSite(req))) {
    return new CrossOriginRefused('a form-encoded or text body from a browser is refused; send JSON')
  }
  if (isLocalMode && !SAFE_METHODS.has(req.method)) {
    if ((origin !== undefined && !isLoopbackOrigin(origin)) || isFromAnotherSite(req)) {
      return new CrossOriginRefused('a cross-origin write is refused in local mode')
    }
  }
  return undefined
}

export function registerCrossSiteGuard(app: FastifyInstance, mode: CrossSiteMode): void {
  app.addHook('onRequest', async (req) => {
    const refusal = crossSiteRefusal(req, mode)
    if (refusal) throw refusal
  })
}
