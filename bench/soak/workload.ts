import { createHash, randomBytes } from 'node:crypto'

// The mixed load of issue 18, as data: 200-row CSV appends to three datasets, a group-by over all
// three, 32-text embeds and 64 KiB objects. Row contents come from a seeded generator, so two runs
// send the same shapes; object bodies are random bytes (incompressible, like real blobs).

export const DATASETS = ['soak_a', 'soak_b', 'soak_c'] as const
export const ROWS_PER_INGEST = 200
export const TEXTS_PER_EMBED = 32
export const OBJECT_BYTES = 64 * 1024

const CATEGORIES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']
const WORDS = [
  'rust',
  'engineer',
  'warehouse',
  'forklift',
  'nurse',
  'night',
  'shift',
  'chicago',
  'denver',
  'python',
  'welder',
  'certified',
  'remote',
  'senior',
  'junior',
  'driver',
  'license',
  'bilingual',
  'spanish',
  'data',
]

/** mulberry32: a tiny seeded PRNG, enough to vary rows and texts reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T

/** One append: `ROWS_PER_INGEST` rows with ids unique to (client, batch). */
export function csvBatch(client: number, batch: number, random: () => number): string {
  const lines = ['id,client,category,amount,note']
  const first = (client * 1_000_000 + batch) * ROWS_PER_INGEST
  for (let i = 0; i < ROWS_PER_INGEST; i++) {
    const amount = (random() * 1000).toFixed(2)
    lines.push(
      `${first + i},${client},${pick(CATEGORIES, random)},${amount},${pick(WORDS, random)} ${pick(WORDS, random)}`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** The group-by every query client runs: one scan of all three datasets. */
export const GROUP_BY_SQL =
  'SELECT category, count(*) AS n, sum(amount) AS total FROM (' +
  DATASETS.map((d) => `SELECT category, amount FROM ${d}`).join(' UNION ALL ') +
  ') GROUP BY category ORDER BY category'

export function embedTexts(random: () => number): string[] {
  return Array.from({ length: TEXTS_PER_EMBED }, () =>
    Array.from({ length: 4 + Math.floor(random() * 8) }, () => pick(WORDS, random)).join(' '),
  )
}

export function objectBody(): Buffer {
  return randomBytes(OBJECT_BYTES)
}

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex')
