// Used by iceberg_smoke.sh: for every table of the Iceberg REST catalog at $LH_GATEWAY_URL, icebird
// (an independent Iceberg + Parquet reader) reads the rows from the metadata the catalog names and
// they must equal queryd's `select *` of the same dataset; every older snapshot N must hold the row
// count of catalog version N. Prints one line per table; exits 1 on the first difference.
import { icebergRead } from 'icebird'

const gw = process.env.LH_GATEWAY_URL ?? 'http://127.0.0.1:3110'
const token = process.env.LH_SMOKE_TOKEN
const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
if (token) {
  // icebird 0.3.1 drops its request options on manifest fetches (ADR-016): add the token here.
  const real = globalThis.fetch
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const h = new Headers(init?.headers)
    h.set('authorization', `Bearer ${token}`)
    return real(input, { ...init, headers: h })
  }) as typeof fetch
}

interface Field {
  name: string
  type: unknown
}
interface Metadata {
  'current-snapshot-id': number
  'current-schema-id': number
  schemas: Array<{ 'schema-id': number; fields: Field[] }>
  snapshots: Array<{ 'snapshot-id': number }>
}
interface Loaded {
  'metadata-location': string
  metadata: Metadata
}

async function get<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${gw}${path}`, { ...init, headers: { ...headers, ...(init.headers as object) } })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** A value as queryd's JSON spells it, by the Iceberg type of its column. */
function normalize(value: unknown, type: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) {
    if (type === 'date') return value.toISOString().slice(0, 10)
    if (type === 'timestamp')
      return value
        .toISOString()
        .replace(/Z$/, '')
        .replace(/\.000$/, '')
    return value.toISOString()
  }
  if (typeof type === 'string' && type.startsWith('decimal')) return String(value)
  return value
}

const sortRows = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort()

const { identifiers } = await get<{ identifiers: Array<{ name: string }> }>(
  '/v1/iceberg/v1/namespaces/lakehouse/tables',
)
if (identifiers.length === 0) throw new Error('the catalog lists no table')
for (const { name } of identifiers) {
  const loaded = await get<Loaded>(`/v1/iceberg/v1/namespaces/lakehouse/tables/${name}`)
  const location: string = loaded['metadata-location']
  const tableUrl = location.slice(0, location.indexOf('/metadata/'))
  const metadata = loaded.metadata
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id'])
  if (!schema) throw new Error(`${name}: the current schema is not in its metadata`)
  const read = async (file: string) =>
    (await icebergRead({ tableUrl, metadataFileName: file, requestInit: { headers } })).map((row) =>
      schema.fields.map((f) => normalize(row[f.name], f.type)),
    )
  const current = metadata['current-snapshot-id']
  const iceberg = await read(location.slice(location.lastIndexOf('/') + 1))
  const columns = schema.fields.map((f) => `"${f.name.replaceAll('"', '""')}"`).join(', ')
  const answer = await get<{ rows: unknown[][] }>('/v1/query/sql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: `select ${columns} from "${name}"`, max_rows: 1_000_000 }),
  })
  if (JSON.stringify(sortRows(iceberg)) !== JSON.stringify(sortRows(answer.rows))) {
    throw new Error(
      `${name} v${current}: icebird read ${iceberg.length} rows that differ from queryd's ${answer.rows.length}`,
    )
  }
  for (const snapshot of metadata.snapshots) {
    const n = snapshot['snapshot-id']
    const manifest = await get<{ row_count: number }>(`/v1/catalog/datasets/${name}?version=${n}`)
    const rows = (await read(`v${n}.metadata.json`)).length
    if (rows !== manifest.row_count)
      throw new Error(`${name} snapshot ${n}: ${rows} rows, catalog version ${n} has ${manifest.row_count}`)
  }
  console.log(
    `${name}: ${iceberg.length} rows equal queryd's at version ${current}; ${metadata.snapshots.length} snapshots match their catalog versions`,
  )
}
