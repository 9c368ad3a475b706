import { describe, expect, it } from 'vitest'
import { reconcileSchema } from '../src/schema-rules.ts'

const col = (name: string, type: string, nullable = true) => ({ name, type, nullable })
const dataset = [col('id', 'BIGINT'), col('name', 'VARCHAR'), col('rate', 'INTEGER')]

describe('append schema rules', () => {
  it('accepts the same columns in another order, keeping the dataset order', () => {
    const upload = [col('rate', 'INTEGER'), col('id', 'BIGINT'), col('name', 'VARCHAR')]
    expect(reconcileSchema(dataset, upload)).toEqual(dataset)
  })

  it('accepts a new nullable column, appended after the dataset columns', () => {
    const upload = [col('team', 'VARCHAR'), ...dataset]
    expect(reconcileSchema(dataset, upload).map((c) => c.name)).toEqual(['id', 'name', 'rate', 'team'])
  })

  it('refuses a new column that is not nullable', () => {
    expect(() => reconcileSchema(dataset, [...dataset, col('team', 'VARCHAR', false)])).toThrow(/team/)
  })

  it('widens INTEGER to BIGINT to DOUBLE, whichever side is wider', () => {
    const wider = reconcileSchema(dataset, [col('id', 'DOUBLE'), col('name', 'VARCHAR'), col('rate', 'BIGINT')])
    expect(wider.map((c) => c.type)).toEqual(['DOUBLE', 'VARCHAR', 'BIGINT'])
    const narrower = reconcileSchema(dataset, [col('id', 'SMALLINT'), col('name', 'VARCHAR'), col('rate', 'TINYINT')])
    expect(narrower.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR', 'INTEGER'])
  })

  it('refuses any other type change with schema_mismatch naming the column', () => {
    const upload = [col('id', 'VARCHAR'), col('name', 'VARCHAR'), col('rate', 'INTEGER')]
    expect(() => reconcileSchema(dataset, upload)).toThrow(
      expect.objectContaining({ code: 'schema_mismatch', message: expect.stringContaining('"id"') }),
    )
    const narrowing = [col('id', 'BIGINT'), col('name', 'BIGINT'), col('rate', 'INTEGER')]
    expect(() => reconcileSchema(dataset, narrowing)).toThrow(/"name"/)
  })

  it('refuses an upload that lacks a dataset column', () => {
    expect(() => reconcileSchema(dataset, [col('id', 'BIGINT'), col('name', 'VARCHAR')])).toThrow(
      expect.objectContaining({ code: 'schema_mismatch', message: expect.stringContaining('"rate"') }),
    )
  })
})
