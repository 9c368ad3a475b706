import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import type { SourceFormat } from '@lakehouse/shared/contracts/ingest.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeUpload, STAGED_UPLOAD_MAX_BYTES, stageUpload, writeParquet } from '../src/conversion.ts'
import { openEngine } from '../src/duckdb-engine.ts'

// Rule (ADR-023): a small upload is parsed once, into a temp table that DESCRIBE and COPY both read;
// the file is not read again, and the Parquet is the same as reading the file twice would give.

const FIXTURES = resolve(import.meta.dirname, '../../../tests/fixtures/ingest')
const CASES: Array<[string, SourceFormat]> = [
  ['people.csv', 'csv'],
  ['quoted.csv', 'csv'],
  ['semicolon.csv', 'csv'],
  ['bom.csv', 'csv'],
  ['tabs.tsv', 'csv'],
  ['people-append.ndjson', 'ndjson'],
  ['people-array.json', 'json'],
]
let dir: string
let engine: DuckDBInstance
let conn: DuckDBConnection
let n = 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lh-ingest-staged-'))
  engine = await openEngine({ tmpDir: dir, memoryLimit: '256MB', threads: 1 })
})
afterAll(() => {
  engine.closeSync()
  rmSync(dir, { recursive: true, force: true })
})

async function convert(fixture: string, format: SourceFormat, isStaged: boolean) {
  const path = join(dir, `upload-${++n}`)
  copyFileSync(join(FIXTURES, fixture), path)
  conn = await engine.connect()
  try {
    let source = { format, path }
    if (isStaged) {
      source = await stageUpload(conn, source, 1)
      // Gone after staging: whatever reads it again fails.
      rmSync(path)
    }
    const schema = await describeUpload(conn, source)
    const files = await writeParquet(conn, source, schema, schema, join(dir, `out-${n}`), 64 * 1024 * 1024)
    const rows = await conn.runAndReadAll(`SELECT * FROM read_parquet('${files[0]?.path}')`)
    return { schema, rows: files.map((f) => f.rows), data: rows.getRowObjectsJson() }
  } finally {
    conn.closeSync()
  }
}

describe('a small upload is parsed once', () => {
  for (const [fixture, format] of CASES) {
    it(`${fixture}: the staged table gives the file's schema and rows without reading the file again`, async () => {
      expect(await convert(fixture, format, true)).toEqual(await convert(fixture, format, false))
    })
  }

  it('an upload over the staging size is read from its file', async () => {
    const path = join(dir, 'large-upload')
    copyFileSync(join(FIXTURES, 'people.csv'), path)
    conn = await engine.connect()
    try {
      const source = await stageUpload(conn, { format: 'csv', path }, STAGED_UPLOAD_MAX_BYTES + 1)
      expect(source.table).toBeUndefined()
    } finally {
      conn.closeSync()
    }
  })
})
