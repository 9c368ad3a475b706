import { DuckDBInstance } from '@duckdb/node-api'
import { quoteIdent, quoteLiteral } from '@lakehouse/shared'
import { describe, expect, it } from 'vitest'
import { safeTypeName } from '../src/sql-text.ts'

describe('quoteIdent', () => {
  it('double-quotes and doubles inner double quotes', () => {
    expect(quoteIdent('people')).toBe('"people"')
    expect(quoteIdent('a"b')).toBe('"a""b"')
    expect(quoteIdent('foo"; DROP TABLE x; --')).toBe('"foo""; DROP TABLE x; --"')
  })

  it('refuses a NUL byte', () => {
    expect(() => quoteIdent('a\0b')).toThrow(/NUL/)
  })

  it('round-trips through DuckDB as the same name', async () => {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    const name = `we"ird'; name --`
    const reader = await connection.runAndReadAll(`select 1 as ${quoteIdent(name)}`)
    expect(reader.columnNames()).toEqual([name])
    connection.closeSync()
    instance.closeSync()
  })
})

describe('quoteLiteral', () => {
  it('single-quotes and doubles inner single quotes, leaving backslashes alone', () => {
    expect(quoteLiteral('/a/b.parquet')).toBe("'/a/b.parquet'")
    expect(quoteLiteral("it's")).toBe("'it''s'")
    expect(quoteLiteral('a\\b')).toBe("'a\\b'")
  })

  it('round-trips through DuckDB as the same text', async () => {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    const text = `x'); select 'pwned' --\\`
    const reader = await connection.runAndReadAll(`select ${quoteLiteral(text)}`)
    expect(reader.getRows()).toEqual([[text]])
    connection.closeSync()
    instance.closeSync()
  })
})

describe('safeTypeName', () => {
  it('keeps DuckDB type names and replaces anything else with VARCHAR', () => {
    expect(safeTypeName('DECIMAL(18,3)')).toBe('DECIMAL(18,3)')
    expect(safeTypeName('TIMESTAMP WITH TIME ZONE')).toBe('TIMESTAMP WITH TIME ZONE')
    expect(safeTypeName('INTEGER[]')).toBe('INTEGER[]')
    expect(safeTypeName('INT) AS x; DROP VIEW y; --')).toBe('VARCHAR')
  })
})
