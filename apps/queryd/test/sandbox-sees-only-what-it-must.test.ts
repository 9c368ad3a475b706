import { readdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// Issue 9 item 6: the sandbox sees only what it must. (a) another query's spill files cannot be
// read; (b) the cache files of a deleted or replaced version are unreachable as soon as the views
// move on; (c) no host path appears in a result: the functions that return them are refused, and
// text values have host paths redacted (ADR-007).

describe('the sandbox sees only what it must', () => {
  let h: Harness
  let url: string
  let cacheDir: string
  let spillParent: string
  beforeAll(async () => {
    h = await startHarness({ memory_limit: '64MB', threads: 1 })
    cacheDir = join(h.dataDir, 'cache', 'query')
    spillParent = join(h.dataDir, 'tmp', 'query-spill')
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`
  })
  afterAll(async () => h.close())

  const spillFiles = () =>
    readdirSync(spillParent, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())

  it('(a) keeps one query’s spill files out of another query’s reach', async () => {
    // A sort larger than memory_limit spills; its result stays open (nobody reads it) while the
    // other queries try to reach the spill files.
    const controller = new AbortController()
    const spilling = await fetch(`${url}/v1/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: 'select i, repeat(i::varchar, 20) from range(4000000) t(i) order by hash(i)',
        format: 'ndjson',
        max_rows: 4_000_000,
      }),
      signal: controller.signal,
    })
    try {
      expect(spilling.status).toBe(200)
      await waitFor(async () => spillFiles().length > 0, 'spill files on disk', 60_000)
      const folder = spillFiles()[0]!.parentPath
      for (const pattern of [`${spillParent}/*`, `${spillParent}/*/*`, `${spillParent}/**`, `${spillParent}/../**`]) {
        const res = await sql(h.app, { sql: `select count(*) from read_blob('${pattern}')` })
        expect(res.statusCode, `${pattern}: ${res.body}`).toBeGreaterThanOrEqual(400)
      }
      // The spill folder's own name is what would open it: nothing tells it.
      for (const text of [
        "select current_setting('temp_directory')",
        'select * from duckdb_temporary_files()',
        'select * from duckdb_settings()',
        "select * from query('select current_setting(''temp_directory'')')",
      ]) {
        const res = await sql(h.app, { sql: text })
        expect(res.statusCode, text).toBe(403)
        expect(res.body).not.toContain(folder)
      }
    } finally {
      controller.abort()
    }
  }, 120_000)

  it('(b) makes the cache files of a deleted or replaced version unreachable at once', async () => {
    const readAll = `select * from read_parquet('${cacheDir}/*.parquet', union_by_name = true)`
    expect((await sql(h.app, { sql: 'select count(*) from people' })).json().rows).toEqual([[5]])
    const rows = await writeParquet(h.root, 'datasets/kept/data/1.parquet', "select 'kept' as tag")
    h.catalog.commit('kept', [{ key: 'datasets/kept/data/1.parquet', rows }])
    expect((await sql(h.app, { sql: 'select count(*) from kept' })).json().row_count).toBe(1)
    expect((await sql(h.app, { sql: readAll })).json().row_count).toBe(6)

    h.catalog.drop('people')
    const afterDrop = await sql(h.app, { sql: readAll })
    expect(afterDrop.json().rows).toEqual([['kept']])

    const replaced = await writeParquet(h.root, 'datasets/kept/data/2.parquet', "select 'second' as tag")
    h.catalog.commit('kept', [{ key: 'datasets/kept/data/2.parquet', rows: replaced }])
    const afterReplace = await sql(h.app, { sql: readAll })
    expect(afterReplace.json().rows).toEqual([['second']])
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.parquet'))).toHaveLength(1)
  })

  it('(c) refuses the functions and settings that return host paths', async () => {
    await sql(h.app, { sql: 'select 1' })
    const refused = [
      "select current_setting('temp_directory')",
      "select current_setting('allowed_directories')",
      "select current_setting('secret_directory')",
      "select current_setting('extension_directory')",
      "select current_setting('temp_' || 'directory')",
      `select * from glob('${cacheDir}/*')`,
      `select * from parquet_metadata('${cacheDir}/*.parquet')`,
      `select * from parquet_schema('${cacheDir}/*.parquet')`,
      'select install_path from duckdb_extensions()',
      'select * from duckdb_secrets()',
      'select path from duckdb_databases',
      `explain select * from glob('${cacheDir}/*')`,
    ]
    for (const text of refused) {
      const res = await sql(h.app, { sql: text })
      expect(res.statusCode, `${text}: ${res.body}`).toBe(403)
      expect(res.json().error.code).toBe('statement_not_allowed')
    }
    const allowed = await sql(h.app, { sql: "select current_setting('threads')" })
    expect(allowed.statusCode).toBe(200)
  })

  it('(c) redacts host paths from the text values of every format', async () => {
    const texts = [
      `select filename from read_blob('${cacheDir}/*.parquet')`,
      `select tag, filename from read_parquet('${cacheDir}/*.parquet', filename = true)`,
      'explain select * from kept',
    ]
    for (const text of texts) {
      for (const format of ['json', 'ndjson', 'csv'] as const) {
        const res = await sql(h.app, { sql: text, format })
        expect(res.statusCode, `${text}: ${res.body}`).toBe(200)
        expect(res.body).not.toContain(h.dataDir)
        expect(res.body).not.toContain(homedir())
      }
    }
    const res = await sql(h.app, { sql: texts[0]!, format: 'json' })
    expect(res.json().rows[0][0]).toMatch(/^<data>\/[0-9a-f]{40}\.parquet$/)
  })
})
