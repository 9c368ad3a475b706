import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule: what catalogd stores is valid. A commit's column types are DuckDB type names
// (parsed), its column names are non-empty text without control characters and at most 255 bytes,
// and its file keys lie under the dataset's own datasets/<name>/data/ folder; anything else is
// 400 invalid_request naming the field, and nothing is written.

const config = testConfig()
const storage = new MemoryStorage()
const app = buildApp({ config, storage })
afterAll(async () => {
  await app.close()
  config.cleanup()
})

// A dataset of its own per case, so that one case's failure cannot be another's.
let cases = 0
function commit(fields: unknown[], keys = ['datasets/victim/data/01.parquet']) {
  const name = `d${++cases}`
  keys = keys.map((key) => key.replaceAll('victim', name))
  for (const key of keys) if (key.startsWith('datasets/')) storage.seed(key, 'bytes')
  return app.inject({
    method: 'POST',
    url: `/v1/catalog/datasets/${name}/commits`,
    payload: { operation: 'create', schema: fields, files: keys.map((key) => ({ key, rows: 1, bytes: 5 })) },
  })
}

/** What the catalog wrote for the dataset of the latest case: its marker and its manifests. */
const catalogKeys = () =>
  [...storage.objects.keys()].filter(
    (key) => key.startsWith(`catalog/d${cases}/`) || key === `catalog/_datasets/d${cases}`,
  )
const field = (name: string, type: string) => ({ name, type, nullable: true })

describe('r-stored-commit-is-valid', () => {
  it.each([
    'VARCHAR); DROP TABLE x; --',
    'VARCHAR --',
    'BIGINT; SELECT 1',
    'NOT_A_TYPE',
    'DECIMAL(99,2)',
    'STRUCT(a BIGINT',
    'MAP(VARCHAR)',
    ' BIGINT',
  ])('refuses the column type %j with 400 and stores nothing', async (type) => {
    const res = await commit([field('id', type)])
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('invalid_request')
    expect(res.json().error.issues).toContainEqual(expect.objectContaining({ path: 'body.schema.0.type' }))
    expect(catalogKeys()).toEqual([])
  })

  it.each([
    ['empty', ''],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['256 bytes', 'é'.repeat(128)],
  ])('refuses a column name with %s', async (_what, name) => {
    const res = await commit([field(name, 'VARCHAR')])
    expect(res.statusCode).toBe(400)
    expect(res.json().error.issues).toContainEqual(expect.objectContaining({ path: 'body.schema.0.name' }))
    expect(catalogKeys()).toEqual([])
  })

  it.each([
    'datasets/other/data/01.parquet',
    'datasets/victim/data/../../other/data/01.parquet',
    'datasets/victim/data/./01.parquet',
    'datasets/victim/data//01.parquet',
    'datasets/victim/data/',
    'datasets/victim/data/a\\..\\b.parquet',
    'catalog/victim/v0000000001.json',
  ])('refuses the file key %j', async (key) => {
    const res = await commit([field('id', 'BIGINT')], [key])
    expect(res.statusCode).toBe(400)
    expect(res.json().error.issues).toContainEqual(expect.objectContaining({ path: 'body.files.0.key' }))
    expect(catalogKeys()).toEqual([])
  })

  it('accepts what DuckDB and CSV headers produce: spaced names, parameterised and nested types', async () => {
    const res = await commit([
      field('first name', 'VARCHAR'),
      field('amount', 'DECIMAL(18,3)'),
      field('at', 'TIMESTAMP WITH TIME ZONE'),
      field('tags', 'VARCHAR[]'),
      field('pos', 'DOUBLE[3]'),
      field('attrs', 'MAP(VARCHAR, BIGINT)'),
      field('nested', 'STRUCT(a BIGINT, "b c" STRUCT(d DATE)[])'),
      field('ünïcødé', 'JSON'),
    ])
    expect(res.statusCode).toBe(201)
    expect(res.json().schema).toHaveLength(8)
  })
})
