import { readFileSync } from 'node:fs'
import { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { ListPage } from '@lakehouse/shared/contracts/storage.ts'
import type { GatewayClient } from './gateway-client.ts'
import type { CatalogSample, RssSample } from './samples.ts'

// The samplers of a soak: each daemon's RSS from /proc/<pid>/status every 10 s (with its V8 heap
// and external memory from its /metrics, to tell JS growth from native growth), and the catalog's
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

/** The daemons that embed DuckDB, and the metric each reports its memory in (summed over tags). */
const DUCKDB_METRICS: Record<string, string> = {
  queryd: 'query_duckdb_memory_bytes',
  ingestd: 'ingest_duckdb_memory_bytes',
}

/** The sum over every label set of a Prometheus metric, in KiB (undefined when absent). */
export function metricSumKib(text: string, name: string): number | undefined {
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'gm'))].map((m) => Number(m[1]))
  return values.length > 0 ? Math.round(values.reduce((a, b) => a + b, 0) / 1024) : undefined
}

/** The value of a Prometheus sample, in KiB (undefined when absent); `label` picks one label set. */
export function metricKib(text: string, name: string, label?: string): number | undefined {
  const labels = label === undefined ? '(?:\\{[^}]*\\})?' : `\\{[^}]*${label}[^}]*\\}`
  const match = new RegExp(`^${name}${labels} ([0-9.e+]+)$`, 'm').exec(text)
  return match ? Math.round(Number(match[1]) / 1024) : undefined
}

async function scrape(url: string, token: string): Promise<string> {
  try {
    const res = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    })
    return res.ok ? await res.text() : ''
  } catch {
    return ''
  }
}

export async function sampleMemory(
  pids: Record<string, number>,
  urls: Record<string, string>,
  token: string,
  tMs: number,
): Promise<RssSample> {
  const kib = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssKib(pid)]))
  const heapKib: Record<string, number> = {}
  const newSpaceKib: Record<string, number> = {}
  const externalKib: Record<string, number> = {}
  const duckdbKib: Record<string, number> = {}
  await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const text = await scrape(url, token)
      const heap = metricKib(text, 'nodejs_heap_size_total_bytes')
      const external = metricKib(text, 'nodejs_external_memory_bytes')
      if (heap !== undefined) heapKib[name] = heap
      const newSpace = metricKib(text, 'nodejs_heap_space_size_total_bytes', 'space="new"')
      if (newSpace !== undefined) newSpaceKib[name] = newSpace
      if (external !== undefined) externalKib[name] = external
      const duckdbMetric = DUCKDB_METRICS[name]
      const duckdb = duckdbMetric ? metricSumKib(text, duckdbMetric) : undefined
      if (duckdb !== undefined) duckdbKib[name] = duckdb
    }),
  )
  return { tMs, kib, heapKib, newSpaceKib, externalKib, duckdbKib }
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
  const iceberg = await listedBytes(gateway, token, 'iceberg/')
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
    icebergBytes: iceberg.bytes,
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
  urls: Record<string, string>
  datasets: readonly string[]
  startedAt: number
  minutes: number
  ackedRows: () => number
}): Samplers {
  const rss: RssSample[] = []
  const catalog: CatalogSample[] = []
  const failures: string[] = []
  const now = () => performance.now() - options.startedAt
  let memoryPending: Promise<unknown> = Promise.resolve()
  const takeRss = () => {
    const t = now()
    memoryPending = memoryPending.then(async () =>
      rss.push(await sampleMemory(options.pids, options.urls, options.token, t)),
    )
  }
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
      await memoryPending
      await pending
    },
  }
}
