// Per-package coverage table from vitest's coverage/coverage-summary.json, so a reviewer sees at a
// glance which daemon's wiring lacks tests. Usage: node scripts/coverage-table.ts
import { readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'

interface Metric {
  total: number
  covered: number
}
type FileSummary = Record<'lines' | 'statements' | 'functions' | 'branches', Metric>

const root = resolve(import.meta.dirname, '..')
const summary = JSON.parse(readFileSync(resolve(root, 'coverage/coverage-summary.json'), 'utf8')) as Record<
  string,
  FileSummary
>
const packages = new Map<string, FileSummary>()
const zero = (): FileSummary => ({
  lines: { total: 0, covered: 0 },
  statements: { total: 0, covered: 0 },
  functions: { total: 0, covered: 0 },
  branches: { total: 0, covered: 0 },
})
for (const [file, metrics] of Object.entries(summary)) {
  if (file === 'total') continue
  const [kind, name] = relative(root, file).split('/')
  const key = `${kind}/${name}`
  const acc = packages.get(key) ?? zero()
  for (const m of ['lines', 'statements', 'functions', 'branches'] as const) {
    acc[m].total += metrics[m].total
    acc[m].covered += metrics[m].covered
  }
  packages.set(key, acc)
}
const pct = (m: Metric) => (m.total === 0 ? '   -  ' : `${((100 * m.covered) / m.total).toFixed(1).padStart(5)}%`)
console.log('\npackage              lines   branches functions')
for (const [name, m] of [...packages].sort()) {
  console.log(`${name.padEnd(20)} ${pct(m.lines)}  ${pct(m.branches)}  ${pct(m.functions)}`)
}
