// The eight daemons, their default ports and the path prefixes each one owns (DESIGN §4).
// The gateway routes by this table; a path means the same at the gateway and at its daemon.

export const DAEMONS = [
  'gateway',
  'storaged',
  'catalogd',
  'ingestd',
  'queryd',
  'vectord',
  'embedd',
  'observerd',
] as const

export type Daemon = (typeof DAEMONS)[number]
export type PeerDaemon = Exclude<Daemon, 'gateway'>

export const DEFAULT_PORTS: Record<Daemon, number> = {
  gateway: 3110,
  storaged: 3111,
  catalogd: 3112,
  ingestd: 3113,
  queryd: 3114,
  vectord: 3115,
  embedd: 3116,
  observerd: 3117,
}

export const ROUTE_PREFIXES: Record<PeerDaemon, readonly string[]> = {
  storaged: ['/v1/storage'],
  catalogd: ['/v1/catalog', '/v1/iceberg'],
  ingestd: ['/v1/ingest'],
  queryd: ['/v1/query'],
  vectord: ['/v1/vectors'],
  embedd: ['/v1/embed'],
  observerd: ['/v1/observer', '/v1/memory'],
}

export function isDaemon(name: string): name is Daemon {
  return (DAEMONS as readonly string[]).includes(name)
}
