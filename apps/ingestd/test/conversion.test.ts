import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import type { SourceFormat } from '@lakehouse/shared/contracts/ingest.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeUpload, type UploadSource, writeParquet } from '../src/conversion.ts'
import { openEngine } from '../src/duckdb-engine.ts'
import type { CsvOptions } from '../src/source-format.ts'

// The fixtures of tests/fixtures/ingest through the real DuckDB conversion, read back from the Parquet.

const FIXTURES = resolve(import.meta.dirname, '../../../tests/fixtures/ingest')
let dir: string
let engine: DuckDBInstance
let conn: DuckDBConnection

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lh-ingest-conv-'))
  engine = await openEngine({ tmpDir: dir, memoryLimit: '256MB', threads: 1 })
  conn = await engine.connect()
})
afterAll(() => {
  conn.closeSync()
  engine.closeSync()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
async function convert(fixture: string, format: SourceFormat, csv: CsvOptions = {}) {
  const path = join(dir, `upload-${++n}`)
  copyFileSync(join(FIXTURES, fixture), path)
  const source: UploadSource = { format, path, csv }
  const schema = await describeUpload(conn, source)
  const files = await writeParquet(conn, source, schema, schema, join(dir, `out-${n}`), 64 * 1024 * 1024)
  const rows = await conn.runAndReadAll(`SELECT * FROM read_parquet('${files[0]?.path}')`)
  return { schema, files, rows: rows.getRowObjectsJson() }
}

describe('conversion with DuckDB', () => {
  it('keeps quoted fields with commas, newlines and doubled quotes whole', async () => {
    const { rows } = await convert('quoted.csv', 'csv')
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatchObject({ name: 'Smith, Jane', note: 'first line\nsecond line' })
    expect(rows[1]).toMatchObject({ name: 'O"Brien' })
  })

  it('drops a UTF-8 BOM from the first column name', async () => {
    const { schema } = await convert('bom.csv', 'csv')
    expect(schema.map((c) => c.name)).toEqual(['id', 'name'])
  })

  it('reads CRLF line ends without a trailing carriage return', async () => {
    const { rows } = await convert('crlf.csv', 'csv')
    expect(rows).toEqual([
      { id: '1', name: 'Ada' },
      { id: '2', name: 'Grace' },
    ])
  })

  it('makes a header-only CSV a 0-row file with the header columns', async () => {
    const { schema, files } = await convert('header-only.csv', 'csv')
    expect(schema.map((c) => c.name)).toEqual(['id', 'name', 'city', 'rate'])
    expect(files).toHaveLength(1)
    expect(files[0]?.rows).toBe(0)
  })

  it('refuses a CSV of blank lines as empty, like a 0-byte body', async () => {
    await expect(convert('blank-lines.csv', 'csv')).rejects.toMatchObject({
      code: 'parse_error',
      message: expect.stringContaining('empty'),
    })
  })

  it('honours delimiter= for a tab-separated upload', async () => {
    const { schema, rows } = await convert('tabs.tsv', 'csv', { delimiter: '\t', header: true })
    expect(schema.map((c) => c.name)).toEqual(['id', 'name'])
    expect(rows).toHaveLength(1)
  })

  it('sniffs a semicolon delimiter', async () => {
    const { schema } = await convert('semicolon.csv', 'csv')
    expect(schema.map((c) => c.name)).toEqual(['id', 'name'])
  })

  it('reads NDJSON and JSON arrays of records', async () => {
    expect((await convert('people-append.ndjson', 'ndjson')).rows).toHaveLength(2)
    expect((await convert('people-array.json', 'json')).rows).toEqual([
      { id: '6', name: 'Edsger', city: 'Austin', rate: '95' },
    ])
  })

  it('refuses ragged rows with parse_error naming the line, never skipping the lines that disagree', async () => {
    await expect(convert('ragged.csv', 'csv')).rejects.toMatchObject({
      code: 'parse_error',
      message: expect.stringContaining('line 3'),
    })
  })

  it('refuses binary garbage as CSV, NDJSON and Parquet with parse_error, without our temp path', async () => {
    for (const format of ['csv', 'ndjson', 'parquet'] as const) {
      const err = await convert('garbage.bin', format).catch((e: Error) => e)
      expect(err).toMatchObject({ code: 'parse_error' })
      expect((err as Error).message).not.toContain(dir)
    }
  })

  it('writes files of at most the size asked for, each with its own row count', async () => {
    const path = join(dir, 'many.csv')
    await conn.run(`COPY (SELECT i AS id, md5(i::VARCHAR) AS h FROM range(200000) t(i)) TO '${path}' (HEADER)`)
    const source: UploadSource = { format: 'csv', path }
    const schema = await describeUpload(conn, source)
    const files = await writeParquet(conn, source, schema, schema, join(dir, 'many-out'), 1024 * 1024)
    expect(files.length).toBeGreaterThan(1)
    expect(files.reduce((s, f) => s + f.rows, 0)).toBe(200000)
  })
})
