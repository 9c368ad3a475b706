import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DaemonProcess, freePortBlock, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { IcebergRestCatalog, type Snapshot } from 'iceberg-js'
import { icebergRead } from 'icebird'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withToken } from './token-fetch.ts'

// Issue 16 "done when": readers that are not this project's read its tables through the Iceberg
// REST catalog. iceberg-js lists and loads tables through the gateway with a token; icebird reads
// every table's rows from the metadata alone (every file fetched by the URI the metadata names,
// here the gateway's object route, the fs backend's warehouse), and they equal
// queryd's answer for the same catalog version; snapshot N of Iceberg is catalog version N.

const TOKEN = 'iceberg-readers-token-0123456789'
const AUTH = { authorization: `Bearer ${TOKEN}` }

const BATCHES = [
  'id,name,amount,day\n1,Ada,1.5,2024-01-02\n2,Bo,2.25,2024-02-03\n',
  'id,name,amount,day\n3,Cy,3.0,2024-03-04\n',
  'id,name,amount,day\n4,Di,4.75,2024-04-05\n5,Ed,5.5,2024-05-06\n',
]
const REPLACEMENT = 'id,name,amount,day\n10,Flo,10.5,2025-01-01\n'

type Row = unknown[]

/** icebird's values as queryd's JSON spells them: BIGINT as a number, DATE as YYYY-MM-DD. */
function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return value
}

describe('independent Iceberg readers over the REST catalog', () => {
  const daemons: DaemonProcess[] = []
  let dataDir: string
  let gateway: string
  let catalog: IcebergRestCatalog
  /** queryd's rows of `sales` as each catalog version was the latest. */
  const byVersion = new Map<number, Row[]>()

  const post = async (path: string, body: string | object, json = false) => {
    const res = await fetch(`${gateway}${path}`, {
      method: 'POST',
      headers: { ...AUTH, ...(json ? { 'content-type': 'application/json' } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    const answer = await res.json()
    expect(res.status, JSON.stringify(answer)).toBeLessThan(300)
    return answer
  }
  const ingest = (dataset: string, csv: string, mode = 'append') =>
    post(`/v1/ingest/${dataset}?format=csv&mode=${mode}`, csv) as Promise<{ version: number }>
  const queryRows = async (dataset: string): Promise<Row[]> =>
    ((await post('/v1/query/sql', { sql: `select * from ${dataset} order by id` }, true)) as { rows: Row[] }).rows

  /** iceberg-js's LoadTableResult (null is only for a 304, which an unconditional load never gets). */
  const load = async (name: string) => {
    const result = await catalog.loadTableResult({ namespace: ['lakehouse'], name })
    if (!result?.['metadata-location']) throw new Error(`no metadata-location for ${name}`)
    return { ...result, 'metadata-location': result['metadata-location'] }
  }

  /** The rows icebird reads for a table, from a metadata file named by the REST catalog or by version. */
  async function icebirdRows(metadataLocation: string): Promise<Row[]> {
    const tableUrl = metadataLocation.slice(0, metadataLocation.indexOf('/metadata/'))
    const metadataFileName = metadataLocation.slice(metadataLocation.lastIndexOf('/') + 1)
    const token = withToken(gateway, TOKEN)
    try {
      const rows = await icebergRead({ tableUrl, metadataFileName, requestInit: { headers: AUTH } })
      expect(token.fetched.some((url) => url.endsWith('.avro'))).toBe(true)
      return rows.map((row) => Object.values(row).map(normalize)).sort((a, b) => (a[0] as number) - (b[0] as number))
    } finally {
      token.restore()
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lh-iceberg-readers-'))
    const gatewayPort = await freePortBlock(1)
    gateway = `http://127.0.0.1:${gatewayPort}`
    const env = {
      LH_PATHS_DATA_DIR: dataDir,
      LH_AUTH_TOKEN: TOKEN,
      LH_CATALOG_ICEBERG_WAREHOUSE: `${gateway}/v1/storage/objects`,
    }
    const storaged = await startDaemon('storaged', { env })
    daemons.push(storaged)
    const peers: Record<string, string> = { LH_PEERS_STORAGED: storaged.url }
    for (const daemon of ['catalogd', 'ingestd', 'queryd'] as const) {
      const started = await startDaemon(daemon, { env: { ...env, ...peers } })
      daemons.push(started)
      peers[`LH_PEERS_${daemon.toUpperCase()}`] = started.url
    }
    daemons.push(await startDaemon('gateway', { env: { ...env, ...peers }, port: gatewayPort }))
    catalog = new IcebergRestCatalog({ baseUrl: `${gateway}/v1/iceberg`, auth: { type: 'bearer', token: TOKEN } })

    for (const [i, csv] of BATCHES.entries()) {
      const { version } = await ingest('sales', csv, i === 0 ? 'create' : 'append')
      byVersion.set(version, await queryRows('sales'))
    }
    const { version } = await ingest('sales', REPLACEMENT, 'replace')
    byVersion.set(version, await queryRows('sales'))
    await ingest('people', 'id,name\n1,Ann\n2,Ben\n', 'create')
    await ingest('gone', 'id\n1\n', 'create')
    const res = await fetch(`${gateway}/v1/catalog/datasets/gone`, { method: 'DELETE', headers: AUTH })
    expect(res.status).toBe(200)
  }, 120_000)

  afterAll(async () => {
    for (const daemon of daemons.reverse()) await daemon.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('iceberg-js lists the one namespace and the live tables through the gateway', async () => {
    expect((await catalog.loadConfig()).endpoints).toContain('GET /v1/{prefix}/namespaces/{namespace}/tables/{table}')
    expect((await catalog.listNamespaces()).namespaces).toEqual([{ namespace: ['lakehouse'] }])
    const { identifiers } = await catalog.listTables({ namespace: ['lakehouse'] })
    expect(identifiers.map((t) => t.name)).toEqual(['people', 'sales'])
    expect(await catalog.tableExists({ namespace: ['lakehouse'], name: 'sales' })).toBe(true)
    expect(await catalog.tableExists({ namespace: ['lakehouse'], name: 'gone' })).toBe(false)
  })

  it('iceberg-js is refused without the token, and its writes are refused in the spec shape', async () => {
    const anonymous = new IcebergRestCatalog({ baseUrl: `${gateway}/v1/iceberg` })
    await expect(anonymous.listNamespaces()).rejects.toMatchObject({ status: 401 })
    await expect(catalog.createNamespace({ namespace: ['other'] })).rejects.toMatchObject({
      status: 406,
      icebergType: 'UnsupportedOperationException',
      message: 'not supported: write through /v1/ingest',
    })
  })

  it('icebird reads from the loaded metadata exactly the rows queryd answers, for every table', async () => {
    for (const name of ['sales', 'people']) {
      const result = await load(name)
      expect(result['metadata-location']).toBe(
        `${gateway}/v1/storage/objects/iceberg/${name}/metadata/v${name === 'sales' ? 4 : 1}.metadata.json`,
      )
      expect(await icebirdRows(result['metadata-location'])).toEqual(await queryRows(name))
    }
  })

  it('snapshot N of Iceberg is catalog version N: icebird reads v<N> as queryd answered at version N', async () => {
    const { 'metadata-location': latest, metadata } = await load('sales')
    expect(metadata.snapshots?.map((s: Snapshot) => s['snapshot-id'])).toEqual([...byVersion.keys()])
    expect(metadata.snapshots?.map((s: Snapshot) => s.summary.operation)).toEqual([
      'append',
      'append',
      'append',
      'overwrite',
    ])
    for (const [version, rows] of byVersion) {
      expect(rows.length).toBeGreaterThan(0)
      expect(await icebirdRows(latest.replace(/v\d+\.metadata\.json$/, `v${version}.metadata.json`))).toEqual(rows)
    }
  })
})
