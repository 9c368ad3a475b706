import type { CatalogSample, EndCheck, RssSample } from './samples.ts'
import type { MinuteStats, OpRecord } from './stats.ts'

// The "Done when" criteria of issue 18, each evaluated from what the soak recorded: PASS or FAIL
// with the figures that decided it. A FAIL is a finding to report, not a crash of the harness;
// only `lost` decides the exit code (see main.ts).

export interface Criterion {
  name: string
  pass: boolean
  detail: string
}

/**
 * 0 lost: every dataset's rows equal the acknowledged ingests' exactly (through a query and in the
 * manifest), every acknowledged object reads back intact, at the end and during the load.
 */
export function checkLost(end: EndCheck, badReadsDuringLoad = 0): Criterion {
  const problems: string[] = []
  for (const [name, d] of Object.entries(end.datasets)) {
    if (d.queriedRows !== d.expectedRows) {
      problems.push(`${name}: query counts ${d.queriedRows ?? 'nothing'}, acknowledged ${d.expectedRows}`)
    }
    if (d.manifestRows !== d.expectedRows) {
      problems.push(`${name}: manifest holds ${d.manifestRows ?? 'nothing'}, acknowledged ${d.expectedRows}`)
    }
  }
  if (end.unresolvedIngests > 0) problems.push(`${end.unresolvedIngests} ingests never got a definite answer`)
  const { acknowledged, intact, missing, corrupt } = end.objects
  if (missing > 0 || corrupt > 0) problems.push(`objects: ${missing} missing, ${corrupt} corrupt of ${acknowledged}`)
  if (badReadsDuringLoad > 0)
    problems.push(`${badReadsDuringLoad} GETs of acknowledged objects during the load read wrong`)
  const rows = Object.values(end.datasets).reduce((sum, d) => sum + d.expectedRows, 0)
  return {
    name: '0 lost',
    pass: problems.length === 0,
    detail:
      problems.length === 0
        ? `${rows} acknowledged rows all counted; ${intact}/${acknowledged} objects read back byte-identical`
        : problems.join('; '),
  }
}

/** 0 5xx: no request through the gateway answered 5xx or went unanswered. */
export function checkNo5xx(records: readonly OpRecord[]): Criterion {
  const fives = records.filter((r) => r.status >= 500).length
  const unanswered = records.filter((r) => r.status === 0).length
  return {
    name: '0 5xx',
    pass: fives === 0 && unanswered === 0,
    detail: `${fives} 5xx and ${unanswered} unanswered of ${records.length} requests`,
  }
}

/** Query p50 in the last minute within 2 × the first minute's. */
export function checkQueryTrend(queryMinutes: readonly MinuteStats[], maxRatio = 2): Criterion {
  const first = queryMinutes[0]?.p50_ms ?? null
  const last = queryMinutes.at(-1)?.p50_ms ?? null
  const name = `query p50 last minute ≤ ${maxRatio} × first`
  if (first === null || last === null || first === 0) {
    return { name, pass: false, detail: `no successful query in the first or the last minute` }
  }
  const ratio = last / first
  return { name, pass: ratio <= maxRatio, detail: `${first} ms → ${last} ms (× ${ratio.toFixed(2)})` }
}

/**
 * Flat memory: after warm-up, no daemon's RSS rises more than `maxGrowth` above its level when
 * warm-up ended. RSS swings with every major collection of a daemon's heap (ADR-030: one sample at
 * warm-up end fell in a dip and made a flat queryd "grow" 35.9 %), so that level is the top of the
 * swings in the window after warm-up, as long as the warm-up itself, and growth is a later top above
 * it (ADR-033). A leak still shows: its later tops climb past the window's. A fall is not growth.
 * The growth from the single sample at warm-up end is reported alongside.
 */
export function checkFlatRss(samples: readonly RssSample[], warmupMs: number, maxGrowth = 0.1): Criterion {
  const after = samples.filter((s) => s.tMs >= warmupMs)
  const window = after.filter((s) => s.tMs < 2 * warmupMs)
  const later = after.filter((s) => s.tMs >= 2 * warmupMs)
  const name = `RSS flat after warm-up (≤ +${Math.round(maxGrowth * 100)} %)`
  if (window.length === 0 || later.length === 0) {
    return { name, pass: false, detail: 'too few RSS samples after warm-up (none in the window or none after it)' }
  }
  const growing: string[] = []
  const figures: string[] = []
  const percent = (growth: number) => `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %`
  for (const daemon of Object.keys(after[0]?.kib ?? {})) {
    const top = (of: readonly RssSample[]) => Math.max(...of.map((s) => s.kib[daemon] ?? 0))
    const level = top(window)
    const peak = top(later)
    const growth = level > 0 ? peak / level - 1 : 0
    const single = after[0]?.kib[daemon] ?? 0
    const fromSingle = single > 0 ? Math.max(level, peak) / single - 1 : 0
    figures.push(`${daemon} ${mb(level)}→${mb(peak)} MB (${percent(growth)}; from one sample ${percent(fromSingle)})`)
    if (growth > maxGrowth) growing.push(daemon)
  }
  return {
    name,
    pass: growing.length === 0,
    detail: `${growing.length === 0 ? 'all flat' : `growing: ${growing.join(', ')}`}; top of the window after warm-up → top later: ${figures.join(', ')}`,
  }
}

/** The sample taken when about half the final data had been acknowledged (not half the time: a slowing system would skew it). */
export function middleSample(samples: readonly CatalogSample[]): CatalogSample | undefined {
  const last = samples.at(-1)
  if (!last) return undefined
  let best: CatalogSample | undefined
  for (const s of samples.slice(0, -1)) {
    if (s.ackedRows === 0) continue
    if (!best || Math.abs(s.ackedRows - last.ackedRows / 2) < Math.abs(best.ackedRows - last.ackedRows / 2)) best = s
  }
  return best
}

/**
 * Catalog bytes proportional to the data: catalog bytes per acknowledged row at the end within
 * `maxRatio` of the same figure at the middle. A catalog that grows with the square of the commits
 * doubles it between half the data and all of it; a linear one keeps it (or lowers it, as fixed
 * costs spread).
 */
export function checkCatalogLinear(samples: readonly CatalogSample[], maxRatio = 1.25): Criterion {
  const name = `catalog bytes ∝ data (per-row end ≤ ${maxRatio} × middle)`
  const end = samples.at(-1)
  const middle = middleSample(samples)
  if (!end || !middle || end.ackedRows === 0) return { name, pass: false, detail: 'no catalog samples with data' }
  const perRowEnd = end.catalogBytes / end.ackedRows
  const perRowMiddle = middle.catalogBytes / middle.ackedRows
  const ratio = perRowEnd / perRowMiddle
  return {
    name,
    pass: ratio <= maxRatio,
    detail:
      `${mb(middle.catalogBytes / 1024)} MB for ${middle.ackedRows} rows → ${mb(end.catalogBytes / 1024)} MB for ` +
      `${end.ackedRows} rows: ${perRowMiddle.toFixed(1)} → ${perRowEnd.toFixed(1)} B/row (× ${ratio.toFixed(2)})`,
  }
}

const mb = (kib: number) => (kib / 1024).toFixed(kib < 10 * 1024 ? 1 : 0)
