import { describe, expect, it } from 'vitest'
import { checkLost, checkNo5xx } from '../../bench/soak/checks.ts'
import { Ledger } from '../../bench/soak/ledger.ts'
import type { EndCheck } from '../../bench/soak/samples.ts'

// 0 lost, exactly: every dataset holds the acknowledged rows, no fewer (lost) and no more (an
// ingest applied twice), by query and by manifest; every acknowledged object reads back intact.
// The ledger counts an ingest once however many times it was retried with its key.

function end(overrides: Partial<EndCheck> = {}): EndCheck {
  return {
    datasets: { soak_a: { expectedRows: 400, queriedRows: 400, manifestRows: 400 } },
    unresolvedIngests: 0,
    objects: { acknowledged: 3, intact: 3, missing: 0, corrupt: 0 },
    ...overrides,
  }
}

describe('soak-end-check-exact', () => {
  it('passes when rows and objects match exactly', () => {
    expect(checkLost(end()).pass).toBe(true)
  })

  it('fails one row short, one row over, and a manifest that disagrees with the query', () => {
    const short = { soak_a: { expectedRows: 400, queriedRows: 399, manifestRows: 400 } }
    const over = { soak_a: { expectedRows: 400, queriedRows: 600, manifestRows: 400 } }
    const manifestOver = { soak_a: { expectedRows: 400, queriedRows: 400, manifestRows: 600 } }
    const manifest = { soak_a: { expectedRows: 400, queriedRows: 400, manifestRows: 200 } }
    expect(checkLost(end({ datasets: short })).pass).toBe(false)
    expect(checkLost(end({ datasets: over })).pass).toBe(false)
    expect(checkLost(end({ datasets: manifestOver })).pass).toBe(false)
    expect(checkLost(end({ datasets: manifest })).detail).toContain('manifest holds 200')
  })

  it('fails on a missing or corrupt object, an unresolved ingest, or a bad read during the load', () => {
    expect(checkLost(end({ objects: { acknowledged: 3, intact: 2, missing: 1, corrupt: 0 } })).pass).toBe(false)
    expect(checkLost(end({ objects: { acknowledged: 3, intact: 2, missing: 0, corrupt: 1 } })).pass).toBe(false)
    expect(checkLost(end({ unresolvedIngests: 1 })).pass).toBe(false)
    expect(checkLost(end(), 1).pass).toBe(false)
  })

  it('counts an ingest acknowledged on retry once, and a refused one not at all', () => {
    const ledger = new Ledger()
    const entry = { key: 'k1', dataset: 'soak_a', rows: 200, body: 'csv' }
    ledger.recordIngest({ ...entry, rows: 0 }, 'unknown')
    expect(ledger.unresolved().map((e) => e.body)).toEqual(['csv'])
    ledger.recordIngest(entry, 'acked')
    ledger.recordIngest(entry, 'acked')
    ledger.recordIngest({ ...entry, key: 'k2', rows: 0 }, 'refused')
    expect(ledger.expectedRows(['soak_a', 'soak_b'])).toEqual({ soak_a: 200, soak_b: 0 })
    expect(ledger.ackedRows).toBe(200)
    expect(ledger.unresolved()).toEqual([])
    expect(ledger.counts()).toEqual({ acked: 1, refused: 1, unknown: 0 })
  })

  it('counts 5xx and unanswered requests, not 4xx', () => {
    const records = [200, 409, 429, 503, 0].map((status) => ({ op: 'query' as const, startMs: 0, status, ms: 1 }))
    expect(checkNo5xx(records)).toMatchObject({ pass: false, detail: '1 5xx and 1 unanswered of 5 requests' })
    expect(checkNo5xx(records.slice(0, 3)).pass).toBe(true)
    expect(checkNo5xx([...records.slice(0, 3), { op: 'get', startMs: 0, status: 0, ms: 1 }]).pass).toBe(false)
  })
})
