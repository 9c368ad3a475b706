import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

// A query that would run for hours unless something stops it.
const ENDLESS = 'select count(*) from range(100000000000000) t(x) where x % 7 = 3'

describe('queryd limits', () => {
  let h: Harness
  let url: string
  beforeAll(async () => {
    h = await startHarness({ default_timeout_ms: 400, max_timeout_ms: 120_000 })
    url = await h.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => h.close())

  it('stops a query past its timeout_ms with 504 query_timeout, and frees its connection', async () => {
    const res = await sql(h.app, { sql: ENDLESS, timeout_ms: 300 })
    expect(res.statusCode).toBe(504)
    expect(res.json().error.code).toBe('query_timeout')
    expect(h.app.queryService.engine.activeQueries).toBe(0)
  })

  it('applies query.default_timeout_ms when the request names none', async () => {
    const res = await sql(h.app, { sql: ENDLESS })
    expect(res.statusCode).toBe(504)
  })

  it('truncates at max_rows and says so', async () => {
    const cut = (await sql(h.app, { sql: 'select * from range(100)', max_rows: 10 })).json()
    expect(cut.row_count).toBe(10)
    expect(cut.truncated).toBe(true)
    const whole = (await sql(h.app, { sql: 'select * from range(100)', max_rows: 100 })).json()
    expect(whole.truncated).toBe(false)
  })

  it('tells truncation right at a chunk boundary', async () => {
    const exact = (await sql(h.app, { sql: 'select * from range(2048)', max_rows: 2048 })).json()
    expect([exact.row_count, exact.truncated]).toEqual([2048, false])
    const over = (await sql(h.app, { sql: 'select * from range(2049)', max_rows: 2048 })).json()
    expect([over.row_count, over.truncated]).toEqual([2048, true])
  })

  it('cancels the query of a client that disconnects, while another query runs on its own connection', async () => {
    const client = new AbortController()
    const pending = fetch(`${url}/v1/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: ENDLESS, timeout_ms: 120_000 }),
      signal: client.signal,
    }).catch((err: Error) => err)
    await waitFor(async () => h.app.queryService.engine.activeQueries === 1, 'the endless query to start')
    // A second query answers while the first still runs: separate connections of one instance.
    const other = await sql(h.app, { sql: 'select count(*) from people' })
    expect(other.json().rows).toEqual([[5]])
    expect(h.app.queryService.engine.activeQueries).toBe(1)
    client.abort()
    expect(await pending).toBeInstanceOf(Error)
    await waitFor(async () => h.app.queryService.engine.activeQueries === 0, 'the cancelled query to stop', 10_000)
  })

  it('cancels a streamed (ndjson) query when the client goes away mid-stream', async () => {
    const client = new AbortController()
    const res = await fetch(`${url}/v1/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: 'select x from range(100000000000000) t(x)',
        format: 'ndjson',
        max_rows: 1_000_000,
        timeout_ms: 120_000,
      }),
      signal: client.signal,
    })
    const reader = res.body!.getReader()
    await reader.read()
    expect(h.app.queryService.engine.activeQueries).toBe(1)
    client.abort()
    await waitFor(async () => h.app.queryService.engine.activeQueries === 0, 'the streamed query to stop', 10_000)
  })
})
