import { QueryClient } from '@lakehouse/shared/clients/query.ts'
import { SqlError, StatementNotAllowed } from '@lakehouse/shared/errors.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// QueryClient over real HTTP against real queryd, catalogd and storaged child processes.

let stack: Stack
let client: QueryClient

beforeAll(async () => {
  stack = await startStack({ more: ['queryd'] })
  client = new QueryClient(new ServiceClient({ service: 'queryd', baseUrl: stack.url('queryd') }))
})
afterAll(async () => {
  await client?.close()
  await stack?.stop()
})

describe('QueryClient', () => {
  it('answers the json shape', async () => {
    const result = await client.sql({ sql: 'select 42 as answer, $1 as echo', params: ['hi'] })
    expect(result.columns).toEqual([
      { name: 'answer', type: 'INTEGER' },
      { name: 'echo', type: 'VARCHAR' },
    ])
    expect(result.rows).toEqual([[42, 'hi']])
    expect(result.truncated).toBe(false)
  })

  it('streams a text format', async () => {
    const body = await client.stream({ sql: 'select * from range(3) t(i)', format: 'csv' })
    let text = ''
    for await (const chunk of body) text += chunk
    expect(text).toBe('i\r\n0\r\n1\r\n2\r\n')
  })

  it('lists tables (none yet)', async () => {
    expect(await client.tables()).toEqual([])
  })

  it('turns refusals and SQL errors into typed errors', async () => {
    await expect(client.sql({ sql: 'drop view x' })).rejects.toBeInstanceOf(StatementNotAllowed)
    await expect(client.sql({ sql: 'select nope' })).rejects.toBeInstanceOf(SqlError)
  })
})
