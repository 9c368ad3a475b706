import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { type DaemonProcess, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// ingestd over real HTTP with real storaged and catalogd child processes sharing one temp data dir:
// the answer lands in the catalog, an Idempotency-Key survives a restart of ingestd, and a kill -9
// in the middle of a streamed upload commits nothing and leaves the dataset readable.

const FIXTURES = resolve(import.meta.dirname, '../../../tests/fixtures/ingest')
const fixture = (name: string) => readFileSync(join(FIXTURES, name))

let stack: Stack
let dataDir: string
let ingestd: DaemonProcess

beforeAll(async () => {
  stack = await startStack({ more: ['ingestd'], envOf: { ingestd: { LH_INGEST_DUCKDB_THREADS: '1' } } })
  dataDir = stack.dataDir
  ingestd = stack.daemons.ingestd as DaemonProcess
})

afterAll(async () => {
  await stack?.stop()
})

async function ingest(dataset: string, query: string, body: Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${ingestd.url}/v1/ingest/${dataset}?${query}`, { method: 'POST', body, headers })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function manifest(dataset: string): Promise<Manifest> {
  const res = await fetch(`${stack.url('catalogd')}/v1/catalog/datasets/${dataset}`)
  return (await res.json()) as Manifest
}

async function countParquetRows(m: Manifest): Promise<number> {
  const engine = await DuckDBInstance.create(':memory:')
  const conn = await engine.connect()
  let rows = 0
  for (const file of m.files) {
    const res = await fetch(`${stack.url('storaged')}/v1/storage/objects/${file.key}`)
    const path = join(dataDir, `check-${file.key.split('/').at(-1)}`)
    writeFileSync(path, Buffer.from(await res.arrayBuffer()))
    const result = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path}')`)
    rows += Number(result.getRowObjectsJson()[0]?.n)
  }
  conn.closeSync()
  engine.closeSync()
  return rows
}

const ingestTmp = () => join(dataDir, 'tmp', 'ingest')

describe('ingestd with storaged and catalogd', () => {
  it('ingests a CSV and the catalog lists it with its schema and version', async () => {
    const res = await ingest('people', 'format=csv', fixture('people.csv'))
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ dataset: 'people', version: 1, rows_ingested: 3 })
    const m = await manifest('people')
    expect(m).toMatchObject({ version: 1, row_count: 3 })
    expect(m.schema.map((c) => c.name)).toEqual(['id', 'name', 'city', 'rate'])
    expect(await countParquetRows(m)).toBe(3)
    expect(readdirSync(ingestTmp())).toEqual([])
  })

  it('keeps an Idempotency-Key across a restart of ingestd', async () => {
    const headers = { 'idempotency-key': 'restart-1', 'content-type': 'application/x-ndjson' }
    const first = await ingest('people', '', fixture('people-append.ndjson'), headers)
    expect(first.status).toBe(200)
    await ingestd.stop('SIGKILL')
    ingestd = await stack.start('ingestd', { LH_INGEST_DUCKDB_THREADS: '1' })
    const again = await ingest('people', '', fixture('people-append.ndjson'), headers)
    expect(again).toEqual(first)
    expect((await manifest('people')).version).toBe((first.json as { version: number }).version)
    const reused = await ingest('people', '', fixture('people-array.json'), {
      ...headers,
      'content-type': 'application/json',
    })
    expect(reused.status).toBe(409)
    expect((reused.json as { error: { code: string } }).error.code).toBe('idempotency_key_reused')
  })

  it('commits nothing when ingestd is killed -9 mid-upload; the dataset stays readable', async () => {
    const before = await manifest('people')
    const line = Buffer.from('9,Zed,Nowhere,1\n'.repeat(4096))
    async function* large() {
      yield Buffer.from('id,name,city,rate\n')
      // 1 GiB at most, far more than is sent before the kill; setImmediate lets the socket drain.
      for (let sent = 0; sent < 1024 ** 3; sent += line.length) {
        await new Promise((r) => setImmediate(r))
        yield line
      }
    }
    const upload = fetch(`${ingestd.url}/v1/ingest/people?format=csv`, {
      method: 'POST',
      body: ReadableStream.from(large()),
      duplex: 'half',
    } as RequestInit).then(
      (res) => res.status,
      (err: Error) => err,
    )
    // Wait until the body is streaming into ingestd's temp folder, then kill it.
    await waitFor(async () => {
      const uploads = readdirSync(ingestTmp()).map((d) => join(ingestTmp(), d, 'upload'))
      return uploads.some((path) => existsSync(path) && statSync(path).size > 4 * 1024 * 1024)
    }, 'upload streaming')
    await ingestd.stop('SIGKILL')
    expect(await upload).toBeInstanceOf(Error)
    const after = await manifest('people')
    expect(after.version).toBe(before.version)
    expect(after.files).toEqual(before.files)
    expect(await countParquetRows(after)).toBe(before.row_count)
    // A restarted ingestd removes the temp folder the killed one left behind.
    expect(readdirSync(ingestTmp())).not.toEqual([])
    ingestd = await stack.start('ingestd', { LH_INGEST_DUCKDB_THREADS: '1' })
    expect(readdirSync(ingestTmp())).toEqual([])
  })
})
