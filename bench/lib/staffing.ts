import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

// A deterministic staffing CSV for the benchmarks (ingest, and queryd's over the same data): the
// same `rows` always give the same bytes (~170 bytes a row, so 1M rows ≈ 170 MB). Columns: id,
// name, city, state, role, skills (';'-separated), years, rate, available, bio (quoted, with commas).

export const STAFFING_COLUMNS = [
  'id',
  'name',
  'city',
  'state',
  'role',
  'skills',
  'years',
  'rate',
  'available',
  'bio',
] as const

const FIRST = [
  'Ada',
  'Grace',
  'Linus',
  'Barbara',
  'Alan',
  'Edsger',
  'Margaret',
  'Dennis',
  'Frances',
  'Ken',
  'Radia',
  'Guido',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Liskov',
  'Turing',
  'Dijkstra',
  'Hamilton',
  'Ritchie',
  'Allen',
  'Thompson',
]
const CITIES: ReadonlyArray<[string, string]> = [
  ['Austin', 'TX'],
  ['Boston', 'MA'],
  ['Chicago', 'IL'],
  ['Denver', 'CO'],
  ['Seattle', 'WA'],
  ['Portland', 'OR'],
  ['Atlanta', 'GA'],
  ['Phoenix', 'AZ'],
  ['Raleigh', 'NC'],
  ['Madison', 'WI'],
]
const ROLES = ['data engineer', 'backend developer', 'ml engineer', 'site reliability', 'analyst', 'frontend developer']
const SKILLS = ['sql', 'python', 'typescript', 'duckdb', 'spark', 'kubernetes', 'terraform', 'go', 'rust', 'react']
const BIO_WORDS = [
  'ships',
  'reliable',
  'pipelines',
  'mentors',
  'juniors',
  'loves',
  'clean',
  'schemas',
  'on call',
  'remote',
]

/** mulberry32: a tiny seeded PRNG, so the file is the same on every machine and every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function staffingRow(id: number, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const [city, state] = pick(CITIES)
  const skills = Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SKILLS)).join(';')
  const years = 1 + Math.floor(random() * 30)
  const rate = (40 + random() * 160).toFixed(2)
  const bio = `${pick(FIRST)} ${pick(BIO_WORDS)} ${pick(BIO_WORDS)}, ${pick(BIO_WORDS)} ${pick(BIO_WORDS)}, and ${pick(BIO_WORDS)} ${pick(BIO_WORDS)} since ${1995 + Math.floor(random() * 30)}; wants ${pick(ROLES)} work`
  const name = `${pick(FIRST)} ${pick(LAST)}`
  return `${id},${name},${city},${state},${pick(ROLES)},${skills},${years},${rate},${random() < 0.6},"${bio}"\n`
}

/** Writes `rows` staffing rows (plus a header) to `path`; returns the bytes written. */
export async function writeStaffingCsv(path: string, rows: number, seed = 42): Promise<number> {
  const random = prng(seed)
  const out = createWriteStream(path)
  let bytes = 0
  let batch = `${STAFFING_COLUMNS.join(',')}\n`
  for (let id = 1; id <= rows; id++) {
    batch += staffingRow(id, random)
    if (batch.length > 1 << 16 || id === rows) {
      bytes += Buffer.byteLength(batch)
      if (!out.write(batch)) await once(out, 'drain')
      batch = ''
    }
  }
  if (batch) {
    bytes += Buffer.byteLength(batch)
    out.write(batch)
  }
  out.end()
  await once(out, 'finish')
  return bytes
}
