import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type App, ServiceClient } from '@lakehouse/shared'
import { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type DaemonProcess, startDaemon, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { IndexStore } from '../src/index-store.ts'

// Real peers for vectord's tests: a storaged (and, when asked, an embedd with its built-in hashing
// model) as child processes on a temp folder, and IndexStores or vectord processes pointed at them.

export interface Peers {
  dataDir: string
  storaged: DaemonProcess
  storage: StorageClient
  embedd?: DaemonProcess
  embed: EmbedClient
  env: Record<string, string>
  stop: () => Promise<void>
}

export async function startPeers(options: { embedd?: boolean } = {}): Promise<Peers> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lh-vectord-'))
  const storaged = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: dataDir } })
  const embedd = options.embedd ? await startDaemon('embedd', { env: { LH_PATHS_DATA_DIR: dataDir } }) : undefined
  const storage = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: storaged.url }))
  const embedUrl = embedd?.url ?? 'http://127.0.0.1:9'
  const embed = new EmbedClient(new ServiceClient({ service: 'embedd', baseUrl: embedUrl }))
  const env: Record<string, string> = {
    LH_PATHS_DATA_DIR: dataDir,
    LH_PEERS_STORAGED: storaged.url,
    LH_PEERS_EMBEDD: embedUrl,
  }
  return {
    dataDir,
    storaged,
    storage,
    ...(embedd ? { embedd } : {}),
    embed,
    env,
    stop: async () => {
      await storage.close()
      await embed.close()
      await embedd?.stop()
      await storaged.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const noop = () => undefined
/** A logger that drops everything, typed as the app's. */
export const silentLog = {
  level: 'silent',
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  trace: noop,
  fatal: noop,
  silent: noop,
  child: () => silentLog,
} as unknown as App['log']

/** An IndexStore in this process on the peers' storaged: one "vectord" without HTTP. */
export async function openStore(peers: Peers, vectors: Record<string, number> = {}): Promise<IndexStore> {
  const config = testConfig({ vectors })
  const store = new IndexStore({
    storage: peers.storage,
    embed: peers.embed,
    log: silentLog,
    tmpDir: join(config.paths.data_dir, 'tmp'),
    settings: config.vectors,
  })
  await store.start()
  return store
}

/** Deterministic pseudo-random vectors: the same seed gives the same data in every run. */
export function randomVectors(count: number, dim: number, seed = 1): number[][] {
  let state = seed >>> 0 || 1
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return ((state >>> 0) / 4294967296) * 2 - 1
  }
  return Array.from({ length: count }, () => Array.from({ length: dim }, next))
}

/** vectord answers /health before its indexes are loaded; this waits until its index routes answer. */
export async function waitLoaded(url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => (await fetch(`${url}/v1/vectors/indexes`)).status === 200,
    'vectord to load its indexes',
    timeoutMs,
  )
}
