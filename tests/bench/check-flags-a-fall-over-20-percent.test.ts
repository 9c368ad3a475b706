import { describe, expect, it } from 'vitest'
import { type Baseline, checkBaseline, formatReport, valueAt } from '../../bench/lib/ratio-check.ts'

// Rule (issue 15 item 7, ADR-023): `./lh bench --check` flags a recorded ratio that fell by more than
// 20 % in the latest results (a rise, for figures where lower is better), says which, and says it
// only reports.

const baseline: Baseline = {
  ratios: {
    put: { file: 'storage.json', path: 'large.put_ratio', better: 'higher', value: 0.5 },
    ingest: { file: 'ingest.json', path: 'results[rows=1000000].ratio', better: 'higher', value: 0.6 },
    query: { file: 'query.json', path: 'results[query=point lookup].ratio_p50', better: 'lower', value: 1.5 },
    gone: { file: 'vector.json', path: 'qps.ratio', better: 'higher', value: 0.4 },
  },
}

function results(put: number, ingest: number, query: number): (file: string) => unknown {
  const files: Record<string, unknown> = {
    'storage.json': { large: { put_ratio: put } },
    'ingest.json': {
      results: [
        { rows: 250000, ratio: 0.1 },
        { rows: 1000000, ratio: ingest },
      ],
    },
    'query.json': {
      results: [
        { query: 'group-by aggregate', ratio_p50: 9 },
        { query: 'point lookup', ratio_p50: query },
      ],
    },
  }
  return (file) => files[file]
}

const verdicts = (read: (file: string) => unknown) =>
  Object.fromEntries(checkBaseline(baseline, read).map((c) => [c.name, c.verdict]))

describe('bench --check', () => {
  it('passes changes within 20 % either way', () => {
    expect(verdicts(results(0.41, 0.49, 1.79))).toEqual({ put: 'ok', ingest: 'ok', query: 'ok', gone: 'missing' })
  })

  it('flags a higher-is-better ratio that fell by more than 20 %, and a lower-is-better one that rose', () => {
    expect(verdicts(results(0.39, 0.47, 1.81))).toEqual({
      put: 'fell',
      ingest: 'fell',
      query: 'fell',
      gone: 'missing',
    })
  })

  it('names what fell and says it never fails the gate', () => {
    const report = formatReport(checkBaseline(baseline, results(0.3, 0.6, 1.5)))
    expect(report).toContain('1 ratio(s) fell by more than 20 %: put.')
    expect(report).toMatch(/exits 0 whatever it finds/)
  })

  it('reads list elements by a field', () => {
    expect(
      valueAt(
        {
          rows: [
            { batch: 1, r: 2 },
            { batch: 256, r: 3 },
          ],
        },
        'rows[batch=256].r',
      ),
    ).toBe(3)
    expect(valueAt({ rows: [] }, 'rows[batch=256].r')).toBeUndefined()
  })
})
