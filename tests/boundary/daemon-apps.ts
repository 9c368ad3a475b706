import { type App, type Config, dataPath, ROUTE_PREFIXES } from '@lakehouse/shared'
import { buildApp as catalogd } from '../../apps/catalogd/src/app.ts'
import { buildApp as embedd } from '../../apps/embedd/src/app.ts'
import { buildApp as gateway } from '../../apps/gateway/src/app.ts'
import { buildApp as ingestd } from '../../apps/ingestd/src/app.ts'
import { buildApp as observerd } from '../../apps/observerd/src/app.ts'
import { buildApp as queryd } from '../../apps/queryd/src/app.ts'
import { buildApp as storaged } from '../../apps/storaged/src/app.ts'
import { FsBackend } from '../../apps/storaged/src/fs-backend.ts'
import { buildApp as vectord } from '../../apps/vectord/src/app.ts'

// The eight daemons' apps, built in-process on one test config, for the tests that walk every
// registered route (scopes, the OpenAPI document). Peers are not contacted while routes register.

export function daemonApps(config: Config): Record<string, () => Promise<App>> {
  return {
    storaged: async () => storaged({ config, backend: await FsBackend.open(dataPath(config, undefined, 'storage')) }),
    catalogd: async () => catalogd({ config }),
    ingestd: async () => ingestd({ config }),
    queryd: async () => queryd({ config }),
    embedd: async () => embedd({ config }),
    vectord: async () => vectord({ config }),
    observerd: async () => observerd({ config }),
    gateway: async () => gateway({ config }),
  }
}

/** True for a path the gateway forwards to a daemon (under one of ROUTE_PREFIXES). */
export function isForwarded(url: string): boolean {
  return Object.values(ROUTE_PREFIXES)
    .flat()
    .some((prefix) => url === prefix || url.startsWith(`${prefix}/`))
}
