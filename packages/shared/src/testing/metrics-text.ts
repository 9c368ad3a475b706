// Tests only: reading Prometheus text exposition. `sampleValue` sums every sample of `name` whose
// labels include all of `labels` (e.g. 'route="/v1/query/sql"'), so a test can ask for a family
// without spelling every label; 0 when none matches.

export function sampleValue(text: string, name: string, ...labels: string[]): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const nameEnd = line.search(/[{ ]/)
    if (line.slice(0, nameEnd) !== name) continue
    if (!labels.every((label) => line.includes(label))) continue
    sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

/** GET /metrics of a running daemon from this (loopback) process; throws on anything but 200. */
export async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`)
  const text = await res.text()
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/metrics: ${res.status} ${text.slice(0, 200)}`)
  return text
}
