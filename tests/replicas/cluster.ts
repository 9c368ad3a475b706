import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerDaemon } from '@lakehouse/shared'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'

// Tests and the replica bench only: one storaged, `replicas` catalogd, ingestd and queryd over one
// data folder, and a gateway given every replica list (ADR-017). Each process on port 0.

export interface Cluster {
  storaged: DaemonProcess
  catalogd: DaemonProcess[]
  ingestd: DaemonProcess[]
  queryd: DaemonProcess[]
  gateway: DaemonProcess
  stop: () => Promise<void>
}

const list = (daemons: DaemonProcess[]) => daemons.map((d) => d.url).join(',')

export async function startCluster(replicas: number): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lh-replicas-'))
  const started: DaemonProcess[] = []
  const start = async (daemon: PeerDaemon | 'gateway', count: number, env: Record<string, string>) => {
    const group = await Promise.all(
      Array.from({ length: count }, () =>
        startDaemon(daemon, { env: { LH_CONFIG: '/dev/null', LH_PATHS_DATA_DIR: dataDir, ...env } }),
      ),
    )
    started.push(...group)
    return group
  }
  const stop = async () => {
    await Promise.all(started.splice(0).map((d) => d.stop('SIGKILL')))
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    const [storaged] = (await start('storaged', 1, {})) as [DaemonProcess]
    const catalogd = await start('catalogd', replicas, { LH_PEERS_STORAGED: storaged.url })
    const peers = { LH_PEERS_STORAGED: storaged.url, LH_PEERS_CATALOGD: list(catalogd) }
    const [ingestd, queryd] = await Promise.all([start('ingestd', replicas, peers), start('queryd', replicas, peers)])
    const [gateway] = (await start('gateway', 1, {
      ...peers,
      LH_PEERS_INGESTD: list(ingestd),
      LH_PEERS_QUERYD: list(queryd),
    })) as [DaemonProcess]
    return { storaged, catalogd, ingestd, queryd, gateway, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export interface Acked {
  ids: number[]
  version: number
}

/** Appends rows with the given ids as NDJSON through `baseUrl` (a gateway or an ingestd). */
export async function append(baseUrl: string, dataset: string, ids: number[]): Promise<Acked> {
  const body = ids.map((id) => JSON.stringify({ id, note: `row ${id}` })).join('\n')
  const res = await fetch(`${baseUrl}/v1/ingest/${dataset}?format=ndjson`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body,
    signal: AbortSignal.timeout(20_000),
  })
  const answer = (await res.json()) as { version: number; rows_ingested: number }
  if (res.status !== 200 || answer.rows_ingested !== ids.length) {
    throw new Error(`append answered ${res.status}: ${JSON.stringify(answer)}`)
  }
  return { ids, version: answer.version }
}

/** One SQL statement through `baseUrl` (a gateway or a queryd); the rows as arrays. */
export async function sql(baseUrl: string, text: string): Promise<unknown[][]> {
  const res = await fetch(`${baseUrl}/v1/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: text, max_rows: 1_000_000 }),
    signal: AbortSignal.timeout(20_000),
  })
  const answer = (await res.json()) as { rows: unknown[][] }
  if (res.status !== 200) throw new Error(`query answered ${res.status}: ${JSON.stringify(answer)}`)
  return answer.rows
}
