import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueryClient } from '../src/clients/query.ts'
import { SqlError, StatementNotAllowed } from '../src/errors.ts'
import { ServiceClient } from '../src/http-client.ts'
import { type DaemonProcess, startDaemon } from '../src/testing/daemon-process.ts'

// QueryClient over real HTTP against real queryd, catalogd and storaged child processes.

let daemons: DaemonProcess[] = []
let client: QueryClient
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lh-query-client-'))
  const storaged = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: dataDir } })
  const catalogd = await startDaemon('catalogd', {
    env: { LH_PATHS_DATA_DIR: dataDir, LH_PEERS_STORAGED: storaged.url },
  })
  const queryd = await startDaemon('queryd', {
    env: { LH_PATHS_DATA_DIR: dataDir, LH_PEERS_STORAGED: storaged.url, LH_PEERS_CATALOGD: catalogd.url },
  })
  daemons = [queryd, catalogd, storaged]
  client = new QueryClient(new ServiceClient({ service: 'queryd', baseUrl: queryd.url }))
})
afterAll(async () => {
  await client?.close()
  for (const daemon of daemons) await daemon.stop()
  rmSync(dataDir, { recursive: true, force: true })
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
