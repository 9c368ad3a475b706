import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tableRefs } from '../src/table-refs.ts'

// ADR-021: the tables a statement reads, from the tree json_serialize_sql builds (the statement
// guard's own parse), wherever they hide; catalog listings and reads by path need every view.

describe('table refs from the parse tree', () => {
  let instance: DuckDBInstance
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:')
  })
  afterAll(() => instance.closeSync())

  async function refsOf(sql: string) {
    const connection = await instance.connect()
    try {
      const check = await connection.prepare('SELECT json_serialize_sql($1::VARCHAR)')
      check.bindVarchar(1, sql)
      const parsed = JSON.parse(String((await check.runAndReadAll()).getRows()[0]?.[0])) as { statements: unknown[] }
      return tableRefs(parsed.statements)
    } finally {
      connection.closeSync()
    }
  }

  it.each([
    ['select 1', []],
    ['select * from a join b using (id) left join c on true', ['a', 'b', 'c']],
    ['select * from a where id in (select id from b) and exists (select 1 from c)', ['a', 'b', 'c']],
    ['with x as (select * from a) select * from x, (select * from b) y', ['a', 'b', 'x']],
    ['select * from a union all select * from b except select * from c', ['a', 'b', 'c']],
    ['select (select max(v) from "A") as m, sum(1) over () from main.b', ['a', 'b']],
    ['select * from memory.main.a', ['a']],
    ['describe select * from a', ['a']],
    ['summarize a', ['a']],
    ["from query_table(['a', 'b'])", ['a', 'b']],
    ['select * from range((select count(*) from a))', ['a']],
  ])('%s reads %j', async (sql, names) => {
    expect(await refsOf(sql)).toEqual({ names, isCatalogWide: false })
  })

  it.each([
    'select * from information_schema.tables',
    'select * from duckdb_views()',
    'select * from duckdb_tables',
    'show tables',
    'show all tables',
    "select * from read_parquet('/x/*.parquet')",
    "select * from '/x/y.parquet'",
    'select * from query_table(current_schema())',
    'select * from pg_catalog.pg_class',
  ])('%s needs every view', async (sql) => {
    expect((await refsOf(sql)).isCatalogWide).toBe(true)
  })
})
