// `./lh bench --check`: each ratio recorded in bench/baseline.json against the same figure in the
// latest bench/results/*.json, flagged when it fell by more than the tolerance (20 %). Higher is
// better for throughput ratios; for "lower" figures (query overhead, gateway/in-process latency)
// a rise is the fall. It reports and never fails: timings on a shared machine are noisy, so the
// gate stays green and a human reads the flags (ADR-023).

export const FALL_TOLERANCE = 0.2

export interface RecordedRatio {
  /** The results file under bench/results/, e.g. "storage.json". */
  file: string
  /** Dotted path into it; `list[field=value]` picks the element of a list whose field is value. */
  path: string
  better: 'higher' | 'lower'
  value: number
}

export interface Baseline {
  note?: string
  ratios: Record<string, RecordedRatio>
}

export type Verdict = 'ok' | 'fell' | 'missing'

export interface CheckedRatio {
  name: string
  recorded: number
  latest: number | undefined
  /** latest / recorded − 1, signed so that a negative change is always a fall. */
  change: number | undefined
  verdict: Verdict
}

const SELECTOR = /^([^[\]]+)\[([^=\]]+)=([^\]]*)\]$/

/** The number at `path` in `doc`, or undefined when any step is missing. */
export function valueAt(doc: unknown, path: string): number | undefined {
  let here: unknown = doc
  for (const step of path.split('.')) {
    const pick = SELECTOR.exec(step)
    const key = pick ? (pick[1] as string) : step
    here = here !== null && typeof here === 'object' ? (here as Record<string, unknown>)[key] : undefined
    if (pick) {
      const [, , field, wanted] = pick
      here = Array.isArray(here)
        ? here.find((item) => String((item as Record<string, unknown>)?.[field as string]) === wanted)
        : undefined
    }
    if (here === undefined) return undefined
  }
  return typeof here === 'number' && Number.isFinite(here) ? here : undefined
}

export function checkRatio(name: string, recorded: RecordedRatio, results: unknown): CheckedRatio {
  const latest = results === undefined ? undefined : valueAt(results, recorded.path)
  if (latest === undefined || recorded.value === 0) {
    return { name, recorded: recorded.value, latest, change: undefined, verdict: 'missing' }
  }
  const raw = latest / recorded.value - 1
  const change = recorded.better === 'higher' ? raw : -raw
  return { name, recorded: recorded.value, latest, change, verdict: change < -FALL_TOLERANCE ? 'fell' : 'ok' }
}

/** Every recorded ratio checked; `readResults` answers a results file's parsed JSON, or undefined. */
export function checkBaseline(baseline: Baseline, readResults: (file: string) => unknown): CheckedRatio[] {
  return Object.entries(baseline.ratios).map(([name, recorded]) =>
    checkRatio(name, recorded, readResults(recorded.file)),
  )
}

export function formatReport(checked: readonly CheckedRatio[]): string {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)} %`
  const lines = ['| ratio | recorded | latest | change | verdict |', '|---|---:|---:|---:|---|']
  for (const c of checked) {
    const verdict =
      c.verdict === 'fell'
        ? `FELL by more than ${FALL_TOLERANCE * 100} %`
        : c.verdict === 'missing'
          ? 'not in the latest results'
          : 'ok'
    lines.push(
      `| ${c.name} | ${c.recorded} | ${c.latest ?? '–'} | ${c.change === undefined ? '–' : pct(c.change)} | ${verdict} |`,
    )
  }
  const fell = checked.filter((c) => c.verdict === 'fell')
  lines.push(
    '',
    fell.length === 0
      ? `No ratio fell by more than ${FALL_TOLERANCE * 100} %.`
      : `${fell.length} ratio(s) fell by more than ${FALL_TOLERANCE * 100} %: ${fell.map((c) => c.name).join(', ')}.`,
    'This check only reports: it exits 0 whatever it finds, because timings on a shared machine are noisy. ' +
      'Re-run the bench on an idle machine before reading a flag as a regression.',
  )
  return lines.join('\n')
}
