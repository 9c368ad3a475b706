import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSandbox } from '../src/sandbox.ts'
import { prepareAllowed } from '../src/statement-guard.ts'
import { writeParquet } from './fixtures.ts'

// What the DuckDB settings alone do, and what they do not: the second half is why the statement
// guard exists (ADR-007). These run straight on the instance, without the guard, on purpose.

describe('DuckDB sandbox settings', () => {
  let dir: string
  let allowed: string
  let instance: DuckDBInstance
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-sandbox-'))
    allowed = join(dir, 'cache')
    await writeParquet(allowed, 'one.parquet', 'select 42 as x')
    instance = await openSandbox({
      allowedDirectories: [`${allowed}/`],
      memoryLimit: '256MB',
      threads: 1,
      spillDirectory: join(dir, 'spill'),
    })
  })
  afterAll(() => {
    instance.closeSync()
    rmSync(dir, { recursive: true, force: true })
  })

  const run = async (sql: string) => {
    const connection = await instance.connect()
    try {
      return (await connection.runAndReadAll(sql)).getRows()
    } finally {
      connection.closeSync()
    }
  }

  it('reads Parquet inside the allowed folder', async () => {
    expect(await run(`select x from read_parquet('${allowed}/one.parquet')`)).toEqual([[42]])
  })

  it.each([
    ["select * from read_csv('/etc/passwd')"],
    ["select * from read_text('/etc/passwd')"],
    ["select * from glob('/*')"],
    ["install 'httpfs'"],
  ])('refuses %s by configuration', async (sql) => {
    await expect(run(sql)).rejects.toThrow()
  })

  it('refuses a ../ escape out of the allowed folder', async () => {
    await expect(run(`select * from read_text('${allowed}/../../../etc/passwd')`)).rejects.toThrow(/Permission/)
  })

  it('locks the configuration: SET, RESET and setting PRAGMAs fail', async () => {
    await expect(run('set enable_external_access = true')).rejects.toThrow(/lock/i)
    await expect(run('set threads = 3')).rejects.toThrow(/lock/i)
    await expect(run('reset allowed_directories')).rejects.toThrow(/lock/i)
    await expect(run('pragma threads = 3')).rejects.toThrow(/lock/i)
    expect(await run("select current_setting('threads')")).toEqual([[1n]])
  })

  it('applies memory_limit and threads', async () => {
    const [[memory]] = (await run("select current_setting('memory_limit')")) as [[string]]
    expect(memory).toMatch(/^2[0-9]{2}\.\d MiB$/)
  })

  it('does NOT stop COPY into the allowed folder or multi-statement strings: the guard must', async () => {
    await run(`copy (select 1) to '${allowed}/written.csv'`)
    expect(existsSync(join(allowed, 'written.csv'))).toBe(true)
    await run(`select 1; copy (select 2) to '${allowed}/second.csv'`)
    expect(existsSync(join(allowed, 'second.csv'))).toBe(true)
    const connection = await instance.connect()
    try {
      await expect(prepareAllowed(connection, `copy (select 1) to '${allowed}/guarded.csv'`)).rejects.toThrow(
        /not allowed/,
      )
      await expect(prepareAllowed(connection, 'select 1; select 2')).rejects.toThrow(/exactly one statement/)
      await expect(prepareAllowed(connection, `export database '${allowed}/exported'`)).rejects.toThrow(/not allowed/)
    } finally {
      connection.closeSync()
    }
    expect(existsSync(join(allowed, 'guarded.csv'))).toBe(false)
    expect(existsSync(join(allowed, 'exported'))).toBe(false)
  })
})
