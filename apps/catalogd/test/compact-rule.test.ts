import { CompactionConflict, Conflict, InvalidRequest } from '@lakehouse/shared'
import type { CompactRequest, Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { describe, expect, it } from 'vitest'
import { nextManifest, tombstone } from '../src/next-manifest.ts'
import { dataFile, SCHEMA, WIDER_SCHEMA } from './fixtures.ts'

// The compact rule of next-manifest.ts (ADR-022), one clause at a time: the swap is applied to
// whatever the latest version is, keeps its schema and rows, and refuses when an input file is gone.

const NOW = '2026-11-26T04:00:00.000Z'
const f = (id: string, rows = 10) => dataFile('people', id, rows)

function version(n: number, files = [f('a'), f('b'), f('c'), f('d')], schema = WIDER_SCHEMA): Manifest {
  return {
    name: 'people',
    version: n,
    operation: 'append',
    schema,
    files,
    row_count: files.reduce((s, x) => s + x.rows, 0),
    bytes: files.reduce((s, x) => s + x.bytes, 0),
    created_at: '2026-11-26T03:00:00.000Z',
    committed_at: '2026-11-26T03:30:00.000Z',
  }
}

const compact = (remove: string[], files = [f('big', 20)]): CompactRequest => ({ operation: 'compact', remove, files })

describe('compact rule', () => {
  it('swaps the removed files for the added ones where the first one was, keeping schema and rows', () => {
    const base = version(7)
    const next = nextManifest('people', base, compact([f('b').key, f('c').key]), NOW)
    expect(next.files.map((x) => x.key)).toEqual([f('a').key, f('big').key, f('d').key])
    expect(next).toMatchObject({ version: 8, operation: 'compact', schema: WIDER_SCHEMA, row_count: 40 })
    expect(next.created_at).toBe(base.created_at)
    expect(next.committed_at).toBe(NOW)
  })

  it('re-applied on top of appends that landed meanwhile keeps them', () => {
    const raced = version(9, [f('a'), f('b'), f('c'), f('d'), f('late1'), f('late2')])
    const next = nextManifest('people', raced, compact([f('a').key, f('b').key]), NOW)
    expect(next.files.map((x) => x.key)).toEqual([f('big').key, f('c').key, f('d').key, f('late1').key, f('late2').key])
    expect(next.row_count).toBe(raced.row_count)
  })

  it('takes the latest schema, not one of its own', () => {
    const base = version(3, [f('a'), f('b')], SCHEMA)
    expect(nextManifest('people', base, compact([f('a').key, f('b').key]), NOW).schema).toEqual(SCHEMA)
  })

  it('is compaction_conflict when a removed file is no longer in the latest version (a replace won)', () => {
    const replaced = version(8, [f('fresh')])
    const attempt = () => nextManifest('people', replaced, compact([f('a').key, f('b').key]), NOW)
    expect(attempt).toThrow(CompactionConflict)
    expect(attempt).toThrow(/no longer in version 8/)
  })

  it('is compaction_conflict on a deleted or absent dataset', () => {
    const deleted = tombstone('people', version(4), NOW)
    expect(() => nextManifest('people', deleted, compact([f('a').key]), NOW)).toThrow(CompactionConflict)
    expect(() => nextManifest('people', undefined, compact([f('a').key]), NOW)).toThrow(CompactionConflict)
  })

  it('refuses a rewrite whose rows differ from the rows it removes', () => {
    const attempt = () => nextManifest('people', version(5), compact([f('a').key, f('b').key], [f('big', 19)]), NOW)
    expect(attempt).toThrow(InvalidRequest)
    expect(attempt).toThrow(/removes 20 and adds 19/)
  })

  it('refuses a removed file named twice and an added file already present', () => {
    expect(() => nextManifest('people', version(5), compact([f('a').key, f('a').key]), NOW)).toThrow(InvalidRequest)
    const doubled = compact([f('a').key], [f('b')])
    expect(() => nextManifest('people', version(5), doubled, NOW)).toThrow(Conflict)
  })
})
