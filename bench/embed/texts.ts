// The bench's input: deterministic distinct job-ad-like lines of ~25 words (an LCG picks the
// words), so every run embeds the same texts.

const WORDS = (
  'senior junior python typescript engineer developer data platform backend frontend kubernetes postgres ' +
  'duckdb spark remote hybrid berlin austin chicago nurse forklift operator warehouse night shift payroll ' +
  'accountant analyst reliability pipelines mentoring on call years experience contract permanent team lead'
).split(' ')

export function makeTexts(count: number, seed: number): string[] {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state
  }
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 20 + (next() % 10) }, () => WORDS[next() % WORDS.length])
    return `${i} ${words.join(' ')}`
  })
}

export function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))
}
