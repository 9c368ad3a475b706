import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CatalogClient } from '../clients/catalog.ts'
import { StorageClient } from '../clients/storage.ts'
import type { PeerDaemon } from '../daemons.ts'
import { ServiceClient } from '../http-client.ts'
import { type DaemonProcess, startDaemon } from './daemon-process.ts'

// Tests and benches only: the one way to start real daemons together. storaged and catalogd (and
// whatever else is asked for, in order) run as child processes on port 0 over one temp folder;
// each is pointed at the ones started before it (LH_PEERS_*). `stop()` ends them in reverse and
// removes the folder, whatever failed in between.

export interface StackOptions {
  /** Daemons after storaged and catalogd, started in this order, e.g. ['ingestd', 'queryd']. */
  more?: PeerDaemon[]
  /** Environment for every daemon of the stack (LH_PATHS_DATA_DIR and LH_PEERS_* are set here). */
  env?: Record<string, string>
  /** Environment for one daemon only. */
  envOf?: Partial<Record<PeerDaemon, Record<string, string>>>
  /** Where the temp folder goes (benches put it on a chosen disk). */
  parentDir?: string
  /** Start only storaged (a storage-only test or bench). */
  storageOnly?: boolean
}

export interface Stack {
  dataDir: string
  daemons: Partial<Record<PeerDaemon, DaemonProcess>>
  /** LH_PEERS_* of every daemon running, for one started later by hand. */
  peers: Record<string, string>
  storage: StorageClient
  catalog: CatalogClient
  url: (daemon: PeerDaemon) => string
  /** Starts (or restarts) a daemon pointed at the stack; it is stopped with the stack. */
  start: (daemon: PeerDaemon, env?: Record<string, string>) => Promise<DaemonProcess>
  stop: () => Promise<void>
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'lh-stack-'))
  const daemons: Stack['daemons'] = {}
  const peers: Record<string, string> = {}
  const started: DaemonProcess[] = []
  const clients: ServiceClient[] = []
  const client = (daemon: PeerDaemon) => {
    const http = new ServiceClient({ service: daemon, baseUrl: url(daemon) })
    clients.push(http)
    return http
  }
  const url = (daemon: PeerDaemon) => {
    const found = daemons[daemon]
    if (!found) throw new Error(`${daemon} is not running in this stack`)
    return found.url
  }
  const start = async (daemon: PeerDaemon, env: Record<string, string> = {}) => {
    const child = await startDaemon(daemon, {
      env: {
        LH_PATHS_DATA_DIR: dataDir,
        ...options.env,
        ...peers,
        ...options.envOf?.[daemon],
        ...env,
      },
    })
    started.push(child)
    daemons[daemon] = child
    peers[`LH_PEERS_${daemon.toUpperCase()}`] = child.url
    return child
  }
  const stop = async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
    for (const child of started.splice(0).reverse()) await child.stop('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    const order: PeerDaemon[] = options.storageOnly ? ['storaged'] : ['storaged', 'catalogd', ...(options.more ?? [])]
    for (const daemon of order) await start(daemon)
  } catch (err) {
    await stop()
    throw err
  }
  const storage = new StorageClient(client('storaged'))
  let catalog: CatalogClient | undefined
  return {
    dataDir,
    daemons,
    peers,
    storage,
    get catalog() {
      catalog ??= new CatalogClient(client('catalogd'))
      return catalog
    },
    url,
    start,
    stop,
  }
}
