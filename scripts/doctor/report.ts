// One doctor check and how the report prints. A check is `ok` only when it was actually made;
// `skipped` says why it did not apply (and never counts as a pass); `missing` and `failed` carry
// the exact command that fixes them.

export type Status = 'ok' | 'missing' | 'failed' | 'skipped'

export interface Check {
  name: string
  status: Status
  detail: string
  fix: string
}

export const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail, fix: '' })
export const failed = (name: string, detail: string, fix: string): Check => ({ name, status: 'failed', detail, fix })
export const skipped = (name: string, detail: string): Check => ({ name, status: 'skipped', detail, fix: '' })

export const isFailure = (check: Check): boolean => check.status === 'missing' || check.status === 'failed'

export function renderJson(checks: Check[]): string {
  return `${JSON.stringify({ ok: !checks.some(isFailure), checks })}\n`
}

export function renderText(checks: Check[]): string {
  const width = Math.max(8, ...checks.map((c) => c.name.length))
  const lines: string[] = []
  for (const c of checks) {
    const label = c.status === 'ok' ? 'ok' : c.status === 'skipped' ? 'n/a' : c.status.toUpperCase()
    lines.push(`${label.padEnd(8)} ${c.name.padEnd(width)} ${c.detail}`)
    if (isFailure(c)) lines.push(`${' '.repeat(9)}${c.status === 'missing' ? 'install' : 'fix'}: ${c.fix}`)
  }
  const failures = checks.filter(isFailure).length
  const skips = checks.filter((c) => c.status === 'skipped').length
  lines.push(
    failures === 0
      ? `doctor: all good (${checks.length - skips} checked, ${skips} not applicable)`
      : `doctor: ${failures} failed`,
  )
  return `${lines.join('\n')}\n`
}
