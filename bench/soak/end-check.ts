import { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { IngestAnswer } from '@lakehouse/shared/contracts/ingest.ts'
import { QueryResult } from '@lakehouse/shared/contracts/query.ts'
import type { GatewayClient } from './gateway-client.ts'
import type { Ledger } from './ledger.ts'
import type { EndCheck } from './samples.ts'
import { sha256 } from './workload.ts'

// The exact end check, once the load has stopped: first every ingest of unknown outcome is sent
// again with its Idempotency-Key until it gets a definite answer (so "acknowledged" is exact), then
// each dataset's rows are counted through queryd (waiting, with a deadline, for queryd to see the
// last commit) and read from its manifest, and every acknowledged object is read back and hashed.

const RESOLVE_DEADLINE_MS = 120_000
const VISIBLE_DEADLINE_MS = 60_000
const READERS = 8

async function resolveUnknownIngests(gateway: GatewayClient, ledger: Ledger, token: string): Promise<void> {
  const deadline = performance.now() + RESOLVE_DEADLINE_MS
  while (ledger.unresolved().length > 0 && performance.now() < deadline) {
    for (const e of ledger.unresolved()) {
      const answer = await gateway.send({
        method: 'POST',
        path: `/v1/ingest/${e.dataset}?format=csv`,
        token,
        body: e.body ?? '',
        headers: { 'content-type': 'text/csv', 'idempotency-key': e.key },
        patient: true,
      })
      const entry = { key: e.key, dataset: e.dataset, rows: 0, body: e.body ?? '' }
      if (answer.status === 200) {
        const rows = IngestAnswer.parse(JSON.parse(answer.body.toString('utf8'))).rows_ingested
        ledger.recordIngest({ ...entry, rows }, 'acked')
      } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 429) {
        ledger.recordIngest(entry, 'refused')
      }
    }
    if (ledger.unresolved().length > 0) await new Promise((r) => setTimeout(r, 1_000))
  }
}

async function countRows(gateway: GatewayClient, token: string, dataset: string): Promise<number | null> {
  try {
    const result = QueryResult.parse(
      await gateway.json({
        method: 'POST',
        path: '/v1/query/sql',
        token,
        json: { sql: `SELECT count(*) AS n FROM ${dataset}` },
      }),
    )
    return Number(result.rows[0]?.[0])
  } catch {
    return null
  }
}

/** Counts each dataset, again until every count equals the acknowledged rows or the deadline passes. */
async function queriedCounts(
  gateway: GatewayClient,
  token: string,
  expected: Record<string, number>,
): Promise<Record<string, number | null>> {
  const deadline = performance.now() + VISIBLE_DEADLINE_MS
  for (;;) {
    const counts: Record<string, number | null> = {}
    for (const name of Object.keys(expected)) counts[name] = await countRows(gateway, token, name)
    const isExact = Object.entries(expected).every(([name, rows]) => counts[name] === rows)
    if (isExact || performance.now() > deadline) return counts
    await new Promise((r) => setTimeout(r, 1_000))
  }
}

async function readBack(
  gateway: GatewayClient,
  token: string,
  objects: [string, string][],
): Promise<EndCheck['objects']> {
  const result = { acknowledged: objects.length, intact: 0, missing: 0, corrupt: 0 }
  let next = 0
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (next < objects.length) {
        const [key, hash] = objects[next++] as [string, string]
        let answer = await gateway.send({ method: 'GET', path: `/v1/storage/objects/${key}`, token, patient: true })
        // A transient 5xx or a dropped connection is not a lost object: ask again before counting it.
        for (let retry = 0; retry < 2 && (answer.status === 0 || answer.status >= 500); retry++) {
          answer = await gateway.send({ method: 'GET', path: `/v1/storage/objects/${key}`, token, patient: true })
        }
        if (answer.status === 200 && sha256(answer.body) === hash) result.intact++
        else if (answer.status === 200) result.corrupt++
        else result.missing++
      }
    }),
  )
  return result
}

export async function runEndCheck(
  gateway: GatewayClient,
  ledger: Ledger,
  token: string,
  datasets: readonly string[],
): Promise<EndCheck> {
  await resolveUnknownIngests(gateway, ledger, token)
  const expected = ledger.expectedRows(datasets)
  const counts = await queriedCounts(gateway, token, expected)
  const out: EndCheck = {
    datasets: {},
    unresolvedIngests: ledger.unresolved().length,
    objects: await readBack(gateway, token, ledger.objects()),
  }
  for (const name of datasets) {
    let manifestRows: number | null = null
    try {
      manifestRows = Manifest.parse(
        await gateway.json({ method: 'GET', path: `/v1/catalog/datasets/${name}`, token }),
      ).row_count
    } catch {
      // reported as "nothing" by the lost check
    }
    out.datasets[name] = { expectedRows: expected[name] ?? 0, queriedRows: counts[name] ?? null, manifestRows }
  }
  return out
}
