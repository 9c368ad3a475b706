import { startStack } from '@lakehouse/shared/testing/stack.ts'

// bench/query/memory: queryd's memory under the load that grew it in issue 18 (small CSV appends to
// three datasets and group-by queries over them, 8 clients), sampled from its /metrics: RSS and
// DuckDB's memory by tag, with the file count of each dataset. LH_BENCH_SECONDS (default 180).

const SECONDS = Number(process.env.LH_BENCH_SECONDS ?? 180)
const DATASETS = ['soak_a', 'soak_b', 'soak_c']

function csv(rows: number, seed: number): string {
  const lines = ['id,city,amount']
  for (let i = 0; i < rows; i++) lines.push(`${seed * rows + i},${['Paris', 'Lyon', 'Nice'][i % 3]},${(i * 7) % 100}`)
  return `${lines.join('\n')}\n`
}

async function sample(queryd: string) {
  const text = await (await fetch(`${queryd}/metrics`)).text()
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const rss = /^process_resident_memory_bytes(?:\{[^}]*\})? ([\d.e+-]+)$/.exec(line)
    if (rss) out.rss_mb = Math.round(Number(rss[1]) / 1e6)
    const heap = /^(nodejs_heap_size_used_bytes|nodejs_external_memory_bytes)(?:\{[^}]*\})? ([\d.e+-]+)$/.exec(line)
    if (heap) out[`${heap[1]?.replace(/^nodejs_|_bytes$/g, '')}_mb`] = Math.round(Number(heap[2]) / 1e6)
    const tag = /^query_duckdb_memory_bytes\{[^}]*tag="(\w+)"[^}]*\} ([\d.e+-]+)$/.exec(line)
    if (tag && Number(tag[2]) > 1e6)
      out[`duckdb_${(tag[1] as string).toLowerCase()}_mb`] = Math.round(Number(tag[2]) / 1e6)
  }
  return out
}

const stack = await startStack({ more: ['ingestd', 'queryd'] })
try {
  const ingest = stack.url('ingestd')
  const queryd = stack.url('queryd')
  let seed = 0
  let appends = 0
  let queries = 0
  const deadline = performance.now() + SECONDS * 1000
  const append = async (name: string) => {
    const res = await fetch(`${ingest}/v1/ingest/${name}?format=csv`, { method: 'POST', body: csv(200, seed++) })
    if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`)
    appends++
  }
  for (const name of DATASETS) await append(name)
  const clients = Array.from({ length: 8 }, async (_, c) => {
    while (performance.now() < deadline) {
      const name = DATASETS[(c + queries) % 3] as string
      if (c % 2 === 0) await append(name)
      else {
        const res = await fetch(`${queryd}/v1/query/sql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sql: `select city, count(*), sum(amount) from ${name} group by 1` }),
        })
        if (res.status !== 200) throw new Error(`query ${res.status}: ${await res.text()}`)
        await res.arrayBuffer()
        queries++
      }
    }
  })
  const started = performance.now()
  const sampler = (async () => {
    while (performance.now() < deadline) {
      console.log(
        `t=${Math.round((performance.now() - started) / 1000)}s appends=${appends} queries=${queries}`,
        JSON.stringify(await sample(queryd)),
      )
      await new Promise((resolve) => setTimeout(resolve, 15_000))
    }
  })()
  await Promise.all([...clients, sampler])
  console.log('end', JSON.stringify(await sample(queryd)), `appends=${appends} queries=${queries}`)
} finally {
  await stack.stop()
}
