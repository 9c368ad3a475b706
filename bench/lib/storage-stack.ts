import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'

// The storage half of a bench stack: storaged and catalogd on free ports over one data folder, and
// the LH_PEERS_* that the daemons started after them need. Started daemons are pushed to `started`,
// so the bench stops them all, in reverse, whatever fails later.
export async function startStorageStack(
  env: Record<string, string>,
  started: DaemonProcess[],
): Promise<{ peers: Record<string, string> }> {
  const storaged = await startDaemon('storaged', { env })
  started.push(storaged)
  const catalogd = await startDaemon('catalogd', { env: { ...env, LH_PEERS_STORAGED: storaged.url } })
  started.push(catalogd)
  return { peers: { LH_PEERS_STORAGED: storaged.url, LH_PEERS_CATALOGD: catalogd.url } }
}
