import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Baseline, checkBaseline, formatReport } from './lib/ratio-check.ts'

// `./lh bench --check`: the latest bench/results/*.json against bench/baseline.json. Always exits 0.

const REPO = resolve(import.meta.dirname, '..')
const baseline = JSON.parse(readFileSync(join(REPO, 'bench', 'baseline.json'), 'utf8')) as Baseline
const readResults = (file: string): unknown => {
  const path = join(REPO, 'bench', 'results', file)
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined
}
console.log(`\n## bench --check: latest bench/results against bench/baseline.json\n`)
if (baseline.note) console.log(`${baseline.note}\n`)
console.log(formatReport(checkBaseline(baseline, readResults)))
