import { tableFromIPC } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

const TYPED = `select
  9007199254740993::BIGINT as big, 12::BIGINT as small, 1.50::DECIMAL(10,2) as dec,
  DATE '2024-01-02' as d, TIMESTAMP '2024-01-02 03:04:05.123' as ts,
  TIMESTAMPTZ '2024-01-02 03:04:05+00' as tz, 'ab'::BLOB as bl, [1, 2] as l, {'x': 1, 'y': 'z'} as s,
  MAP {'k': 1} as m, 1.5::DOUBLE as f, NULL::INTEGER as n, 'a,"b"' as txt`

describe('queryd result formats', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(async () => h.close())

  it('maps types to JSON: wide integers and DECIMAL as strings, ISO dates, base64 BLOB, nested as JSON', async () => {
    const res = await sql(h.app, { sql: TYPED })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().rows[0]).toEqual([
      '9007199254740993',
      12,
      '1.50',
      '2024-01-02',
      '2024-01-02T03:04:05.123',
      '2024-01-02T03:04:05.000Z',
      Buffer.from('ab').toString('base64'),
      [1, 2],
      { x: 1, y: 'z' },
      [{ key: 'k', value: 1 }],
      1.5,
      null,
      'a,"b"',
    ])
    expect(
      res
        .json()
        .columns.map((c: { type: string }) => c.type)
        .slice(0, 3),
    ).toEqual(['BIGINT', 'BIGINT', 'DECIMAL(10,2)'])
  })

  it('streams ndjson: one object per row', async () => {
    const res = await sql(h.app, { sql: 'select id, name from people order by id', format: 'ndjson' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/)
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(5)
    expect(lines[0]).toEqual({ id: 1, name: 'Ada' })
  })

  it('streams csv with a header and RFC 4180 quoting', async () => {
    const res = await sql(h.app, { sql: `select 1 as a, 'x,"y"' as b, NULL as c`, format: 'csv' })
    expect(res.headers['content-type']).toMatch(/text\/csv/)
    expect(res.body).toBe('a,b,c\r\n1,"x,""y""",\r\n')
  })

  it('streams ndjson of many chunks without losing rows', async () => {
    const res = await sql(h.app, { sql: 'select range as i from range(5000)', format: 'ndjson', max_rows: 5000 })
    const lines = res.body.trim().split('\n')
    expect(lines).toHaveLength(5000)
    expect(JSON.parse(lines[4999]!)).toEqual({ i: 4999 })
  })

  it('answers an Arrow IPC stream that tableFromIPC reads back', async () => {
    const res = await sql(h.app, {
      sql: `select id, name, id::BIGINT as big, DATE '2024-01-02' as d, 1.5::DECIMAL(4,2) as dec from people order by id`,
      format: 'arrow',
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream')
    const table = tableFromIPC(res.rawPayload)
    expect(table.numRows).toBe(5)
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'big', 'd', 'dec'])
    expect(table.getChild('name')?.toArray()).toEqual(['Ada', 'Bo', 'Cy', 'Di', 'Ed'])
    expect(table.getChild('big')?.get(4)).toBe(5n)
    expect(table.getChild('dec')?.get(0)).toBe('1.50')
    expect(new Date(table.getChild('d')?.get(0) as number).toISOString()).toBe('2024-01-02T00:00:00.000Z')
  })

  it('answers an Arrow stream with the schema even for zero rows', async () => {
    const res = await sql(h.app, { sql: 'select id, name from people where false', format: 'arrow' })
    const table = tableFromIPC(res.rawPayload)
    expect(table.numRows).toBe(0)
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'name'])
  })
})
