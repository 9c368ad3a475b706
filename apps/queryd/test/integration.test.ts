import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type QuerydApp } from '../src/app.ts'

// queryd against the real stack: storaged, catalogd and ingestd as child processes, queryd built
// in-process with its real catalog and storage clients. A CSV ingested through ingestd is read back
// in all four formats, Arrow through apache-arrow's tableFromIPC.

const CSV = 'id,name,city,hired\n1,Ada,Paris,2024-01-02\n2,Bo,Lyon,2023-05-06\n3,Cy,Paris,2022-07-08\n'

describe('queryd over storaged, catalogd and ingestd', () => {
  let stack: Stack
  let ingestUrl: string
  let app: QuerydApp
  let cleanup: () => void

  beforeAll(async () => {
    stack = await startStack({ more: ['ingestd'] })
    ingestUrl = stack.url('ingestd')
    const config = testConfig({ peers: { storaged: stack.url('storaged'), catalogd: stack.url('catalogd') } })
    cleanup = config.cleanup
    app = await buildApp({ config })
    const res = await fetch(`${ingestUrl}/v1/ingest/candidates?format=csv`, { method: 'POST', body: CSV })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
  })
  afterAll(async () => {
    await app?.close()
    await stack?.stop()
    cleanup?.()
  })

  const GROUP_BY = 'select city, count(*) as n from candidates group by 1 order by 1'
  const query = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/query/sql', payload: body })

  it('answers the group-by of issue 5 in json', async () => {
    const res = await query({ sql: GROUP_BY })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().rows).toEqual([
      ['Lyon', 1],
      ['Paris', 2],
    ])
  })

  it('answers it in ndjson and csv', async () => {
    const ndjson = await query({ sql: GROUP_BY, format: 'ndjson' })
    expect(ndjson.body).toBe('{"city":"Lyon","n":1}\n{"city":"Paris","n":2}\n')
    const csv = await query({ sql: GROUP_BY, format: 'csv' })
    expect(csv.body).toBe('city,n\r\nLyon,1\r\nParis,2\r\n')
  })

  it('reads back through Arrow what was ingested', async () => {
    const res = await query({ sql: 'select * from candidates order by id', format: 'arrow' })
    const table = tableFromIPC(res.rawPayload)
    expect(table.numRows).toBe(3)
    expect(table.getChild('name')?.toArray()).toEqual(['Ada', 'Bo', 'Cy'])
    expect(table.getChild('city')?.get(2)).toBe('Paris')
  })

  it('lists the dataset view with its columns', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/query/tables' })
    const names = res.json().tables.map((t: { name: string }) => t.name)
    expect(names).toEqual(['candidates'])
  })

  it('caches the data files locally, named by etag rather than key', () => {
    const cached = readdirSync(join(app.queryService.cache!.dir)).filter((f) => f.endsWith('.parquet'))
    expect(cached.length).toBeGreaterThan(0)
    for (const name of cached) expect(name).toMatch(/^[0-9a-f]{40}\.parquet$/)
  })

  it('sees a second ingest at the very next query', async () => {
    const more = 'id,name,city,hired\n4,Di,Nice,2021-01-01\n'
    const res = await fetch(`${ingestUrl}/v1/ingest/candidates?format=csv`, { method: 'POST', body: more })
    expect(res.status).toBeLessThan(300)
    expect((await query({ sql: 'select count(*) from candidates' })).json().rows).toEqual([[4]])
  })
})
