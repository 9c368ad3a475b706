import { append, type Cluster, sql, startCluster } from './cluster.ts'

// Not a test: appends/s and queries/s through the gateway with 1 and with 2 replicas of catalogd,
// ingestd and queryd, for docs/SCALING.md. Run: node tests/replicas/throughput.ts [seconds] [clients]

const seconds = Number(process.argv[2] ?? 5)
const clients = Number(process.argv[3] ?? 8)

async function during<T>(what: (i: number) => Promise<T>): Promise<{ ok: number; failed: number }> {
  const deadline = Date.now() + seconds * 1000
  let ok = 0
  let failed = 0
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < deadline; i++) {
        try {
          await what(c * 1_000_000 + i)
          ok++
        } catch {
          failed++
        }
      }
    }),
  )
  return { ok, failed }
}

async function measure(replicas: number): Promise<void> {
  const cluster: Cluster = await startCluster(replicas)
  try {
    const url = cluster.gateway.url
    await append(url, 'bench', [0])
    const appends = await during((n) =>
      append(
        url,
        'bench',
        Array.from({ length: 100 }, (_, k) => n * 100 + k),
      ),
    )
    const queries = await during(() => sql(url, 'SELECT count(*), sum(id) FROM bench'))
    const rate = (r: { ok: number }) => (r.ok / seconds).toFixed(1)
    console.log(
      `${replicas} replica(s), ${clients} clients, ${seconds} s: appends ${rate(appends)}/s (${appends.failed} failed), ` +
        `queries ${rate(queries)}/s (${queries.failed} failed)`,
    )
  } finally {
    await cluster.stop()
  }
}

await measure(1)
await measure(2)
