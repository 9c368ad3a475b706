import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Daemon } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'

// Real peers for observerd's tests: storaged, catalogd, ingestd and queryd as child processes on one
// temp folder (others on request), and the peers map that points an in-process observerd at them.

export interface PeerStack {
  daemons: Partial<Record<Daemon, DaemonProcess>>
  peers: Record<string, string>
  dataDir: string
  ingestCsv: (dataset: string, csv: string) => Promise<void>
  stop: () => Promise<void>
}

export async function startPeers(extra: Daemon[] = []): Promise<PeerStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lh-observerd-'))
  const daemons: Partial<Record<Daemon, DaemonProcess>> = {}
  const peers: Record<string, string> = {}
  const env = () => ({
    LH_PATHS_DATA_DIR: dataDir,
    ...Object.fromEntries(Object.entries(peers).map(([d, url]) => [`LH_PEERS_${d.toUpperCase()}`, url])),
  })
  const order: Daemon[] = ['storaged', 'catalogd', 'ingestd', 'queryd', ...extra]
  try {
    for (const daemon of order) {
      daemons[daemon] = await startDaemon(daemon, { env: env() })
      peers[daemon] = daemons[daemon].url
    }
  } catch (err) {
    for (const d of Object.values(daemons)) await d.stop('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    daemons,
    peers,
    dataDir,
    ingestCsv: async (dataset, csv) => {
      const res = await fetch(`${peers.ingestd}/v1/ingest/${dataset}?format=csv`, { method: 'POST', body: csv })
      if (res.status >= 300) throw new Error(`ingest ${dataset}: ${res.status} ${await res.text()}`)
    },
    stop: async () => {
      for (const d of Object.values(daemons).reverse()) await d.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function observerConfig(stack: PeerStack, overrides: Parameters<typeof testConfig>[0] = {}) {
  return testConfig({ ...overrides, peers: { ...stack.peers, ...overrides.peers } })
}
