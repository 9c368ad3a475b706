import { IngestAnswer } from '@lakehouse/shared/contracts/ingest.ts'
import type { GatewayClient } from './gateway-client.ts'
import type { Ledger } from './ledger.ts'
import type { Operation, OpRecord } from './stats.ts'
import {
  csvBatch,
  DATASETS,
  embedTexts,
  GROUP_BY_SQL,
  OBJECT_BYTES,
  objectBody,
  seededRandom,
  sha256,
} from './workload.ts'

// The load generator: N closed-loop clients (no think time), each cycling through the issue-18 mix
// — three appends (one per dataset), a group-by, an embed, a PUT and a GET of an object it or
// another client acknowledged — until the deadline. Every request is recorded; every acknowledgement
// goes into the ledger. An ingest without a definite answer is retried with its Idempotency-Key.

const CYCLE: readonly (Operation | `ingest:${number}`)[] = [
  'ingest:0',
  'query',
  'ingest:1',
  'embed',
  'ingest:2',
  'put',
  'get',
]
const INGEST_ATTEMPTS = 3

export interface LoadState {
  records: OpRecord[]
  /** Acknowledged objects that a GET during the load found missing or different. */
  badReads: number
  /** A few answers of each failing kind, to say what went wrong. */
  errorSamples: Record<string, string[]>
}

interface ClientContext {
  id: number
  token: string
  gateway: GatewayClient
  ledger: Ledger
  state: LoadState
  runId: string
  startedAt: number
  random: () => number
}

function record(
  ctx: ClientContext,
  op: Operation,
  started: number,
  answer: { status: number; ms: number; body: Buffer; error?: string },
): void {
  ctx.state.records.push({ op, startMs: started - ctx.startedAt, status: answer.status, ms: answer.ms })
  if (answer.status >= 200 && answer.status < 300) return
  const label = `${op} ${answer.status || 'no_answer'}`
  const samples = ctx.state.errorSamples[label] ?? []
  ctx.state.errorSamples[label] = samples
  const text = answer.error ?? answer.body.toString('utf8').slice(0, 240)
  if (samples.length < 3 && !samples.includes(text)) samples.push(text)
}

/** One append, retried with the same key while its outcome is unknown (5xx, no answer, 429). */
async function ingestOnce(ctx: ClientContext, dataset: string, key: string, body: string): Promise<void> {
  const entry = { key, dataset, rows: 0, body }
  for (let attempt = 1; attempt <= INGEST_ATTEMPTS; attempt++) {
    const started = performance.now()
    const answer = await ctx.gateway.send({
      method: 'POST',
      path: `/v1/ingest/${dataset}?format=csv`,
      token: ctx.token,
      body,
      headers: { 'content-type': 'text/csv', 'idempotency-key': key },
    })
    record(ctx, 'ingest', started, answer)
    if (answer.status === 200) {
      const parsed = IngestAnswer.parse(JSON.parse(answer.body.toString('utf8')))
      ctx.ledger.recordIngest({ ...entry, rows: parsed.rows_ingested }, 'acked')
      return
    }
    const isUnknown = answer.status === 0 || answer.status >= 500 || answer.status === 429
    ctx.ledger.recordIngest(entry, isUnknown ? 'unknown' : 'refused')
    if (!isUnknown) return
    await new Promise((r) => setTimeout(r, 500 * attempt))
  }
}

async function runOp(ctx: ClientContext, step: (typeof CYCLE)[number], n: number): Promise<void> {
  const started = performance.now()
  if (step.startsWith('ingest:')) {
    const dataset = DATASETS[Number(step.slice('ingest:'.length))] as string
    await ingestOnce(ctx, dataset, `soak-${ctx.runId}-c${ctx.id}-${n}`, csvBatch(ctx.id, n, ctx.random))
  } else if (step === 'query') {
    const answer = await ctx.gateway.send({
      method: 'POST',
      path: '/v1/query/sql',
      token: ctx.token,
      body: JSON.stringify({ sql: GROUP_BY_SQL }),
      headers: { 'content-type': 'application/json' },
    })
    record(ctx, 'query', started, answer)
  } else if (step === 'embed') {
    const answer = await ctx.gateway.send({
      method: 'POST',
      path: '/v1/embed',
      token: ctx.token,
      body: JSON.stringify({ texts: embedTexts(ctx.random) }),
      headers: { 'content-type': 'application/json' },
    })
    record(ctx, 'embed', started, answer)
  } else if (step === 'put') {
    const key = `soak/${ctx.runId}/c${ctx.id}/${n}.bin`
    const body = objectBody()
    const answer = await ctx.gateway.send({
      method: 'PUT',
      path: `/v1/storage/objects/${key}`,
      token: ctx.token,
      body,
      headers: { 'content-type': 'application/octet-stream' },
    })
    record(ctx, 'put', started, answer)
    if (answer.status === 201) ctx.ledger.recordObject(key, sha256(body))
  } else {
    const known = ctx.ledger.anyObject(ctx.random)
    if (!known) return
    const answer = await ctx.gateway.send({ method: 'GET', path: `/v1/storage/objects/${known[0]}`, token: ctx.token })
    record(ctx, 'get', started, answer)
    const isIntact = answer.status === 200 && answer.body.length === OBJECT_BYTES && sha256(answer.body) === known[1]
    if (answer.status === 404 || (answer.status === 200 && !isIntact)) ctx.state.badReads++
  }
}

export interface LoadOptions {
  clients: number
  tokens: string[]
  durationMs: number
  runId: string
  startedAt: number
}

/** Runs the clients until `startedAt + durationMs`; an operation under way then is let finish. */
export async function runLoad(gateway: GatewayClient, ledger: Ledger, options: LoadOptions): Promise<LoadState> {
  const state: LoadState = { records: [], badReads: 0, errorSamples: {} }
  const deadline = options.startedAt + options.durationMs
  await Promise.all(
    Array.from({ length: options.clients }, async (_, id) => {
      const ctx: ClientContext = {
        id,
        token: options.tokens[id] as string,
        gateway,
        ledger,
        state,
        runId: options.runId,
        startedAt: options.startedAt,
        random: seededRandom(id + 1),
      }
      // Clients start at different points of the cycle, so the mix is spread at every moment.
      for (let n = id; performance.now() < deadline; n++)
        await runOp(ctx, CYCLE[n % CYCLE.length] as (typeof CYCLE)[number], n)
    }),
  )
  return state
}

/** Creates the datasets before the clock starts, so the first queries have something to read. */
export async function seedDatasets(
  gateway: GatewayClient,
  ledger: Ledger,
  token: string,
  runId: string,
): Promise<void> {
  for (const [i, dataset] of DATASETS.entries()) {
    const key = `soak-${runId}-seed-${dataset}`
    const body = csvBatch(99, i, seededRandom(1000 + i))
    const answer = await gateway.send({
      method: 'POST',
      path: `/v1/ingest/${dataset}?format=csv`,
      token,
      body,
      headers: { 'content-type': 'text/csv', 'idempotency-key': key },
    })
    if (answer.status !== 200)
      throw new Error(`seeding ${dataset}: ${answer.status || answer.error} ${answer.body.toString().slice(0, 300)}`)
    const parsed = IngestAnswer.parse(JSON.parse(answer.body.toString('utf8')))
    ledger.recordIngest({ key, dataset, rows: parsed.rows_ingested, body }, 'acked')
  }
}
