// The probes of `just smoke-replication`, each one request chain through the gateway that proves
// one daemon (or pair) does its job, returning a one-line detail or throwing. NotAvailable marks a
// probe whose API the running build does not route yet (the gateway's 404 "no route for").

export class NotAvailable extends Error {
  override name = 'NotAvailable'
}

export interface Probe {
  name: string
  run: () => Promise<string>
}

const DATASET = 'lh_replication_probe'
const INDEX = 'lh_replication_probe'
/** How long a 503 (a daemon still starting) is retried before it counts as a failure. */
const STARTING_DEADLINE_MS = 60_000

interface Answer {
  status: number
  text: string
  json: () => unknown
}

function client(gateway: string, token: string) {
  return async (method: string, path: string, body?: string | object, type = 'application/json'): Promise<Answer> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
    if (body !== undefined) headers['content-type'] = type
    // A daemon that has just started may answer 503 while it loads (vectord reading its indexes):
    // that is "not yet", so the probe asks again until a deadline rather than failing the stack.
    const deadline = Date.now() + STARTING_DEADLINE_MS
    for (;;) {
      const res = await fetch(`${gateway}${path}`, {
        method,
        headers,
        body: typeof body === 'object' ? JSON.stringify(body) : body,
        signal: AbortSignal.timeout(60_000),
      })
      const text = await res.text()
      if (res.status === 503 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        continue
      }
      return { status: res.status, text, json: () => JSON.parse(text) }
    }
  }
}

function expectStatus(a: Answer, status: number, what: string): void {
  if (a.status === 404 && a.text.includes('"no route for')) throw new NotAvailable(`${what}: not routed in this build`)
  if (a.status !== status) throw new Error(`${what}: HTTP ${a.status} ${a.text.slice(0, 200)}`)
}

export function probes(gateway: string, token: string, daemons: readonly string[]): Probe[] {
  const call = client(gateway, token)
  const health: Probe[] = daemons.map((d) => ({
    name: `health ${d}`,
    run: async () => {
      const a = await call('GET', `/health/${d}`)
      if (a.status !== 200 || a.text !== `${d} ok`)
        throw new Error(`GET /health/${d}: HTTP ${a.status} ${a.text.slice(0, 120)}`)
      return `${d} ok`
    },
  }))
  const embed: Probe = {
    name: 'embed',
    run: async () => {
      const a = await call('POST', '/v1/embed', { texts: ['replication probe'] })
      expectStatus(a, 200, 'POST /v1/embed')
      const body = a.json() as { model: string; dim: number; vectors: number[][] }
      if (body.vectors?.[0]?.length !== body.dim)
        throw new Error(`POST /v1/embed: a vector of ${body.vectors?.[0]?.length} for dim ${body.dim}`)
      return `${body.model}, dim ${body.dim}`
    },
  }
  const ingestQuery: Probe = {
    name: 'ingest + query',
    run: async () => {
      const csv = 'id,name\n1,alpha\n2,beta\n3,gamma\n'
      const put = await call('POST', `/v1/ingest/${DATASET}?format=csv&mode=replace`, csv, 'text/csv')
      expectStatus(put, 200, `POST /v1/ingest/${DATASET}`)
      try {
        const q = await call('POST', '/v1/query/sql', { sql: `select count(*) as n from ${DATASET}` })
        expectStatus(q, 200, 'POST /v1/query/sql')
        const n = Number((q.json() as { rows: unknown[][] }).rows[0]?.[0])
        if (n !== 3) throw new Error(`query counted ${n} rows of the 3 ingested`)
        return `3 rows ingested into ${DATASET}, counted back by SQL`
      } finally {
        await call('DELETE', `/v1/catalog/datasets/${DATASET}`)
      }
    },
  }
  const vectors: Probe = {
    name: 'vectors',
    run: async () => {
      const model = await call('POST', '/v1/embed', { texts: ['probe'] })
      const dim = (model.json() as { dim: number }).dim
      const created = await call('POST', '/v1/vectors/indexes', { name: INDEX, dim, metric: 'cosine' })
      expectStatus(created, created.status === 201 ? 201 : 200, 'POST /v1/vectors/indexes')
      try {
        const up = await call('POST', `/v1/vectors/indexes/${INDEX}/upsert`, {
          items: [
            { id: 'a', text: 'senior python engineer in berlin' },
            { id: 'b', text: 'pastry chef in lyon' },
          ],
        })
        expectStatus(up, 200, `POST /v1/vectors/indexes/${INDEX}/upsert`)
        const s = await call('POST', `/v1/vectors/indexes/${INDEX}/search`, { text: 'python engineer', k: 1 })
        expectStatus(s, 200, `POST /v1/vectors/indexes/${INDEX}/search`)
        const top = (s.json() as { hits: Array<{ id: string }> }).hits[0]?.id
        if (top !== 'a') throw new Error(`search for "python engineer" ranked ${top} first, not a`)
        return 'index created, 2 texts upserted, nearest neighbour found'
      } finally {
        await call('DELETE', `/v1/vectors/indexes/${INDEX}`)
      }
    },
  }
  const memory: Probe = {
    name: 'memory',
    run: async () => {
      const a = await call('POST', '/v1/memory/playbooks/search', { task: 'replication probe', k: 1 })
      expectStatus(a, 200, 'POST /v1/memory/playbooks/search')
      return 'playbook search answers'
    },
  }
  return [...health, embed, ingestQuery, vectors, memory]
}
