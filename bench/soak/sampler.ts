import { readFileSync } from 'node:fs'
import { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { ListPage } from '@lakehouse/shared/contracts/storage.ts'
import type { GatewayClient } from './gateway-client.ts'
import type { CatalogSample, RssSample } from './samples.ts'

// The samplers of a soak: each daemon's RSS from /proc/<pid>/status every 10 s, and the catalog's
// size (storage listing) with each dataset's manifest every tenth of the run (20-60 s), both through timers that the
// caller stops. A sample that fails is skipped, never fatal: the load is what is under test.

export const RSS_EVERY_MS = 10_000
/** A catalog sample every tenth of the run, between 20 s and a minute (a listing is load too). */
export const catalogEveryMs = (minutes: number): number => Math.min(60_000, Math.max(20_000, minutes * 6_000))

/** VmRSS of a process in KiB (0 when it is gone: a daemon that died shows as a drop to zero). */
export function rssKib(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}

export function sampleRss(pids: Record<string, number>, tMs: number): RssSample {
  return { tMs, kib: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssKib(pid)])) }
}

/** Sum and count of the object sizes under `prefix`, page by page. */
export async function listedBytes(
  gateway: GatewayClient,
  token: string,
  prefix: string,
): Promise<{ bytes: number; objects: number }> {
  let bytes = 0
  let objects = 0
  let cursor: string | null = null
  do {
    const query = new URLSearchParams({ prefix, limit: '1000', ...(cursor ? { cursor } : {}) })
    const page = ListPage.parse(await gateway.json({ method: 'GET', path: `/v1/storage/objects?${query}`, token }))
    for (const o of page.objects) bytes += o.size
    objects += page.objects.length
    cursor = page.next_cursor
  } while (cursor)
  return { bytes, objects }
}

export async function sampleCatalog(
  gateway: GatewayClient,
  token: string,
  datasets: readonly string[],
  tMs: number,
  ackedRows: number,
): Promise<CatalogSample> {
  const catalog = await listedBytes(gateway, token, 'catalog/')
  const data = await listedBytes(gateway, token, 'datasets/')
  const perDataset: CatalogSample['datasets'] = {}
  for (const name of datasets) {
    const m = Manifest.parse(await gateway.json({ method: 'GET', path: `/v1/catalog/datasets/${name}`, token }))
    perDataset[name] = { version: m.version, files: m.files.length, rows: m.row_count }
  }
  return {
    tMs,
    catalogBytes: catalog.bytes,
    catalogObjects: catalog.objects,
    dataBytes: data.bytes,
    ackedRows,
    datasets: perDataset,
  }
}

export interface Samplers {
  rss: RssSample[]
  catalog: CatalogSample[]
  failures: string[]
  stop: () => Promise<void>
}

export function startSamplers(options: {
  gateway: GatewayClient
  token: string
  pids: Record<string, number>
  datasets: readonly string[]
  startedAt: number
  minutes: number
  ackedRows: () => number
}): Samplers {
  const rss: RssSample[] = []
  const catalog: CatalogSample[] = []
  const failures: string[] = []
  const now = () => performance.now() - options.startedAt
  const takeRss = () => rss.push(sampleRss(options.pids, now()))
  let pending: Promise<void> = Promise.resolve()
  const takeCatalog = () => {
    // One at a time: a listing slower than a minute under load must not pile up behind itself.
    pending = pending.then(async () => {
      const t = now()
      const acked = options.ackedRows()
      try {
        catalog.push(await sampleCatalog(options.gateway, options.token, options.datasets, t, acked))
      } catch (err) {
        failures.push(`catalog sample at ${Math.round(t / 1000)} s: ${(err as Error).message}`)
      }
    })
  }
  takeRss()
  takeCatalog()
  const rssTimer = setInterval(takeRss, RSS_EVERY_MS)
  const catalogTimer = setInterval(takeCatalog, catalogEveryMs(options.minutes))
  return {
    rss,
    catalog,
    failures,
    stop: async () => {
      clearInterval(rssTimer)
      clearInterval(catalogTimer)
      takeRss()
      await pending
    },
  }
}
