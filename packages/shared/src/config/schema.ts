import { z } from 'zod'
import { DEFAULT_PORTS } from '../daemons.ts'
import { catalogSectionSchema } from './sections/catalog.ts'
import { embedSectionSchema } from './sections/embed.ts'
import { gatewaySectionSchema } from './sections/gateway.ts'
import { ingestSectionSchema } from './sections/ingest.ts'
import { memorySectionSchema } from './sections/memory.ts'
import { observerSectionSchema } from './sections/observer.ts'
import { querySectionSchema } from './sections/query.ts'
import { storageSectionSchema } from './sections/storage.ts'
import { vectorsSectionSchema } from './sections/vectors.ts'

// The whole configuration of every daemon, one schema (DESIGN §10). Every table is strict, so an
// unknown key is an error that names it. Each daemon reads only its own sections.

// 0 lets the OS pick a free port (tests); the daemon reports the one it got (run-daemon.ts).
const port = z.number().int().min(0).max(65535)
const bytes = z.number().int().positive()
const ms = z.number().int().positive()

export const scopeSchema = z.enum(['read', 'write', 'admin'])
export type Scope = z.infer<typeof scopeSchema>

const serverSchema = z.strictObject({
  /** Bind address. Non-loopback needs a token (or allow_nonloopback). */
  host: z.string().min(1).default('127.0.0.1'),
  /** Cap on JSON request bodies; streamed uploads have their own caps. */
  body_limit_bytes: bytes.default(1024 * 1024),
  shutdown_timeout_ms: z.number().int().positive().default(10_000),
  /** LH_ALLOW_NONLOOPBACK=1: bind a non-loopback address with no token. Loud warning. */
  allow_nonloopback: z.boolean().default(false),
  // Slow clients (ADR-013): a connection may not hold a request open by trickling bytes.
  /** Longest time to receive a request's headers. */
  headers_timeout_ms: ms.default(30_000),
  /** Longest time to receive a whole request, body included: 10 min lets a 2 GiB upload through at 3.6 MB/s. */
  request_timeout_ms: ms.default(10 * 60 * 1000),
  /**
   * How long an idle keep-alive connection stays open between two requests: Fastify's 72 s, above
   * the idle timeout of common load balancers (60 s), which would otherwise reuse a closed socket.
   */
  keep_alive_timeout_ms: ms.default(72_000),
  /** How often the two timeouts above are checked (Node's connectionsCheckingInterval). */
  timeout_check_interval_ms: ms.default(1_000),
})

const portsSchema = z.strictObject({
  gateway: port.default(DEFAULT_PORTS.gateway),
  storaged: port.default(DEFAULT_PORTS.storaged),
  catalogd: port.default(DEFAULT_PORTS.catalogd),
  ingestd: port.default(DEFAULT_PORTS.ingestd),
  queryd: port.default(DEFAULT_PORTS.queryd),
  vectord: port.default(DEFAULT_PORTS.vectord),
  embedd: port.default(DEFAULT_PORTS.embedd),
  observerd: port.default(DEFAULT_PORTS.observerd),
})

const url = z.url({ protocol: /^https?$/ })

/** Base URLs of the other daemons; unset means http://127.0.0.1:<port>. */
/** One daemon's base URL, or the list of its replicas' (ADR-017): a single string stays valid. */
const peerUrls = z.union([url, z.array(url).min(1)])

const peersSchema = z.strictObject({
  storaged: peerUrls.optional(),
  catalogd: peerUrls.optional(),
  ingestd: peerUrls.optional(),
  queryd: peerUrls.optional(),
  // An index has one writer and its in-memory state is not shared: vectord is not replicated yet.
  vectord: peerUrls
    .refine((v) => typeof v === 'string' || v.length === 1, 'vectord runs as one process (docs/SCALING.md)')
    .optional(),
  embedd: peerUrls.optional(),
  observerd: peerUrls.optional(),
  timeout_ms: z.number().int().positive().default(30_000),
})

const namedTokenSchema = z.strictObject({
  name: z.string().min(1),
  token: z.string().min(16, 'tokens must be at least 16 characters'),
  scopes: z.array(scopeSchema).min(1),
})

const authSchema = z.strictObject({
  /** The all-scopes token; also what daemons send to each other. Empty = local mode. */
  token: z
    .string()
    .default('')
    .refine((t) => t === '' || t.length >= 16, 'tokens must be at least 16 characters'),
  tokens: z.array(namedTokenSchema).default([]),
  /** CIDR allow-list of client addresses; empty = any address. */
  allow_ips: z.array(z.string()).default([]),
})

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

const pathsSchema = z.strictObject({
  /** Root of every local folder (storage root, temp files, caches), relative to the working directory. */
  data_dir: z.string().min(1).default('var'),
})

export const configSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    ports: portsSchema.prefault({}),
    peers: peersSchema.prefault({}),
    auth: authSchema.prefault({}),
    log: logSchema.prefault({}),
    paths: pathsSchema.prefault({}),
    gateway: gatewaySectionSchema.prefault({}),
    storage: storageSectionSchema.prefault({}),
    catalog: catalogSectionSchema.prefault({}),
    ingest: ingestSectionSchema.prefault({}),
    query: querySectionSchema.prefault({}),
    embed: embedSectionSchema.prefault({}),
    memory: memorySectionSchema.prefault({}),
    observer: observerSectionSchema.prefault({}),
    vectors: vectorsSectionSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    // Node refuses a headers timeout longer than the request timeout that contains it.
    if (config.server.headers_timeout_ms > config.server.request_timeout_ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'headers_timeout_ms'],
        message: `must not be larger than server.request_timeout_ms (${config.server.request_timeout_ms})`,
      })
    }
    // A query allowed to run for query.max_timeout_ms must not be cut short by the gateway first.
    if (config.gateway.upstream_timeout_ms <= config.query.max_timeout_ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway', 'upstream_timeout_ms'],
        message: `must be larger than query.max_timeout_ms (${config.query.max_timeout_ms})`,
      })
    }
  })

export type Config = z.infer<typeof configSchema>
