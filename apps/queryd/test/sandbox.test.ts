import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness } from './fixtures.ts'

// Every attack of issue 5 item 3 through the real route: it is refused (403 or 400) and leaves no
// trace: no file in the cache folder (the one place DuckDB may touch), no setting changed, the
// dataset views intact.

describe('queryd sandbox: attacks fail and leave no side effect', () => {
  let h: Harness
  let cacheDir: string
  beforeAll(async () => {
    h = await startHarness()
    cacheDir = join(h.dataDir, 'cache', 'query')
  })
  afterAll(async () => h.close())

  const settings = async () =>
    (
      await sql(h.app, {
        sql: "select current_setting('threads'), current_setting('memory_limit'), current_setting('enable_external_access'), current_setting('lock_configuration')",
      })
    ).json().rows
  let before: unknown
  beforeAll(async () => {
    before = await settings()
  })

  const cacheFiles = () => readdirSync(cacheDir).sort()

  const refused: Array<[string, (dir: string) => string, 400 | 403]> = [
    ['read_csv of /etc/passwd', () => "select * from read_csv('/etc/passwd')", 400],
    ['read_text of /etc/passwd', () => "select * from read_text('/etc/passwd')", 400],
    ['glob of /', () => "select * from glob('/*')", 403],
    ['a ../ escape out of the cache folder', (d) => `select * from read_text('${d}/../../../../etc/passwd')`, 400],
    ['a replacement scan of a path', () => "select * from '/etc/passwd'", 400],
    ['read_parquet over s3://', () => "select * from read_parquet('s3://lakehouse/datasets/x.parquet')", 400],
    ['read_parquet over http://', () => "select * from read_parquet('http://127.0.0.1:9/x.parquet')", 400],
    ['a table function over a view name as a path', () => "select * from read_parquet('people')", 400],
    ['COPY TO into the cache folder', (d) => `copy (select 1) to '${d}/copy.csv'`, 403],
    ['EXPORT DATABASE into the cache folder', (d) => `export database '${d}/export'`, 403],
    ['ATTACH a database file in the cache folder', (d) => `attach '${d}/attached.db' as a`, 403],
    ['INSTALL', () => 'install httpfs', 403],
    ['LOAD', () => 'load httpfs', 403],
    ['SET', () => 'set threads = 7', 403],
    ['SET enable_external_access', () => 'set enable_external_access = true', 403],
    ['RESET', () => 'reset memory_limit', 403],
    ['PRAGMA that changes a setting', () => 'pragma threads = 7', 403],
    ['CREATE', () => 'create table t as select 1', 403],
    ['CREATE MACRO', () => 'create macro m(a) as a', 403],
    ['DROP', () => 'drop view people', 403],
    ['ALTER', () => 'alter view people rename to p2', 403],
    ['INSERT', () => 'insert into people values (9, $$x$$, $$y$$)', 403],
    ['UPDATE', () => "update people set name = 'x'", 403],
    ['DELETE', () => 'delete from people', 403],
    ['CALL', () => 'call pragma_version()', 403],
    ['two statements in one string', () => 'select 1; select 2', 403],
    ['a write hidden after a select', (d) => `select 1; copy (select 1) to '${d}/second.csv'`, 403],
    ['EXPLAIN ANALYZE of a COPY (it executes)', (d) => `explain analyze copy (select 1) to '${d}/ea.csv'`, 403],
    ['EXPLAIN of a COPY', (d) => `explain copy (select 1) to '${d}/e.csv'`, 403],
    ['EXPLAIN ANALYZE hidden behind a comment', (d) => `explain /* x */ analyze copy (select 1) to '${d}/c.csv'`, 403],
    ['a transaction', () => 'begin transaction', 403],
    ['DETACH', () => 'detach memory', 403],
    ['USE', () => 'use memory', 403],
    ['CHECKPOINT', () => 'checkpoint', 403],
  ]

  it.each(refused)('refuses %s', async (_name, make, status) => {
    // A statement that reads files by path first brings every view up to date (ADR-021), which may
    // fetch their files: done here first, so that only the attack's own effects would show.
    await sql(h.app, { sql: 'select count(*) from people' })
    const files = cacheFiles()
    const res = await sql(h.app, { sql: make(cacheDir) })
    expect(res.statusCode, res.body).toBe(status)
    expect(res.json().error.code).toBe(status === 403 ? 'statement_not_allowed' : 'sql_error')
    expect(res.body).not.toContain('root:')
    expect(cacheFiles()).toEqual(files)
    expect(await settings()).toEqual(before)
    const people = await sql(h.app, { sql: 'select count(*) from people' })
    expect(people.json().rows).toEqual([[5]])
  })

  it('leaves no file of any attack on disk', () => {
    for (const name of ['copy.csv', 'export', 'attached.db', 'second.csv', 'ea.csv', 'e.csv', 'c.csv']) {
      expect(existsSync(join(cacheDir, name))).toBe(false)
    }
  })

  const allowed: Array<[string, string]> = [
    ['SELECT', 'select 1'],
    ['WITH … SELECT', 'with a as (select 1 as x) select x from a'],
    ['VALUES', 'values (1), (2)'],
    ['EXPLAIN', 'explain select * from people'],
    ['DESCRIBE', 'describe people'],
    ['SHOW', 'show tables'],
    ['SUMMARIZE', 'summarize people'],
  ]

  it.each(allowed)('allows %s', async (_name, text) => {
    const res = await sql(h.app, { sql: text })
    expect(res.statusCode, res.body).toBe(200)
  })

  it('keeps local paths out of error messages', async () => {
    const res = await sql(h.app, { sql: `select * from read_parquet('${cacheDir}/missing.parquet')` })
    // An I/O error in the cache is queryd's failure, not the caller's (issue 10 item 2).
    expect(res.statusCode).toBe(500)
    expect(res.json().error.message).not.toContain(h.dataDir)
    const bound = await sql(h.app, { sql: `select nope from read_text('${cacheDir}/x')` })
    expect(bound.statusCode).toBe(400)
    expect(bound.json().error.message).not.toContain(h.dataDir)
  })
})
