import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config, Scope } from './config/schema.ts'
import type { RouteScope } from './contracts/route.ts'
import { Forbidden, Unauthorized } from './errors.ts'
import { isLoopbackHost } from './loopback.ts'
import { checkDeclaredScopes } from './route-scopes.ts'
import { grants } from './scopes.ts'

// Bearer-token auth with scopes and an optional CIDR allow-list (ADR-003). Tokens are compared as
// SHA-256 digests with timingSafeEqual against every configured token, so neither the length nor
// the position of a match shows in the timing. With no token configured (local mode) only the
// address check applies, and the bind guard keeps such a daemon on loopback.
// The scope a request needs is the one its matched route declares (route-scopes.ts, ADR-003); a
// request that matched no route still needs a valid token before it learns that (404).

interface TokenEntry {
  name: string
  digest: Buffer
  scopes: ReadonlySet<Scope>
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()

export function hasToken(auth: Config['auth']): boolean {
  return auth.token !== '' || auth.tokens.length > 0
}

function buildTokens(auth: Config['auth']): TokenEntry[] {
  const all: TokenEntry[] = auth.tokens.map((t) => ({
    name: t.name,
    digest: digest(t.token),
    scopes: new Set(t.scopes),
  }))
  if (auth.token) all.push({ name: 'main', digest: digest(auth.token), scopes: new Set<Scope>(['admin']) })
  return all
}

export function buildAllowList(cidrs: readonly string[]): BlockList | undefined {
  if (cidrs.length === 0) return undefined
  const list = new BlockList()
  for (const cidr of cidrs) {
    const [address = '', prefixText] = cidr.split('/')
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined
    const prefix = prefixText === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefixText)
    if (!type || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) {
      throw new Error(`auth.allow_ips: ${JSON.stringify(cidr)} is not a CIDR block`)
    }
    list.addSubnet(address, prefix, type)
  }
  return list
}

export function isAddressAllowed(list: BlockList | undefined, address: string | undefined): boolean {
  if (!list) return true
  if (!address) return false
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address
  // Loopback is always admitted: the gateway and the daemons reach each other over it (ADR-003).
  // The token check still applies to it.
  if (isLoopbackHost(plain)) return true
  return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6')
}

/** The token's name when it matches one of `tokens`, checking all of them every time. */
function matchToken(tokens: readonly TokenEntry[], presented: string): TokenEntry | undefined {
  const candidate = digest(presented)
  let found: TokenEntry | undefined
  for (const entry of tokens) {
    if (timingSafeEqual(entry.digest, candidate) && !found) found = entry
  }
  return found
}

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization
  if (!header) return undefined
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * The scope the matched route declares, read after routing: `undefined` when the request matched
 * no route (any valid token, then 404), `null` when a matched route declares none (refused).
 */
function neededScope(req: FastifyRequest): RouteScope | undefined | null {
  if (req.is404) return undefined
  const declared = req.routeOptions.config.scope
  if (typeof declared === 'function') return declared(req)
  return declared ?? null
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The scopes the request's token holds, once the auth hook passed it (all, with no tokens
     * configured); for routes that check more than their own scope (the gateway's MCP tools). */
    grantedScopes?: ReadonlySet<Scope>
  }
  interface FastifyContextConfig {
    /** The route answers a caller on a loopback address without a token (ADR-019: /metrics). */
    isLoopbackTrusted?: boolean
  }
}

const NO_AUTH_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['admin'])

export function registerAuth(app: FastifyInstance, auth: Config['auth']): void {
  app.decorateRequest('grantedScopes', undefined)
  const tokens = buildTokens(auth)
  const allowList = buildAllowList(auth.allow_ips)
  checkDeclaredScopes(app)
  app.addHook('onRequest', async (req) => {
    const needed = neededScope(req)
    if (needed === 'open') return
    // Scrapes from this machine need no token (ADR-019); the gateway never forwards /metrics.
    if (req.routeOptions.config.isLoopbackTrusted && isLoopbackHost(req.socket.remoteAddress ?? '')) return
    // Fails closed: the start-up check refuses such a route, this is the second line.
    if (needed === null) throw new Forbidden(`route ${req.method} ${req.routeOptions.url} declares no scope`)
    if (!isAddressAllowed(allowList, req.socket.remoteAddress)) {
      throw new Forbidden('client address is not in auth.allow_ips')
    }
    if (tokens.length === 0) {
      req.grantedScopes = NO_AUTH_SCOPES
      return
    }
    const presented = bearer(req)
    if (!presented) throw new Unauthorized('missing bearer token')
    const entry = matchToken(tokens, presented)
    if (!entry) throw new Unauthorized('invalid bearer token')
    req.grantedScopes = entry.scopes
    if (needed !== undefined && !grants(entry.scopes, needed)) {
      throw new Forbidden(`token "${entry.name}" lacks the ${needed} scope`)
    }
  })
}
