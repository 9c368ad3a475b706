import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type DaemonProcess, startDaemon, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// from-dataset against the real stack (storaged, catalogd, ingestd, queryd, embedd as child
// processes): one call indexes a CSV's bio column with metadata, text search with a filter finds the
// right people, a second concurrent job is 409, and a job left running by a crash resumes on start.

const ROWS = 1200
const CITIES = ['Paris', 'Lyon', 'Berlin']
const CSV = [
  'id,name,city,bio',
  ...Array.from({ length: ROWS }, (_, i) => {
    const city = CITIES[i % 3] as string
    const bio = i === 7 ? 'rust compiler engineer who loves borrow checkers' : `generalist number ${i} likes ${city}`
    return `${i},person ${i},${city},${bio}`
  }),
].join('\n')

let dataDir: string
const daemons: DaemonProcess[] = []
let peers: Record<string, string>

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lh-vectord-job-'))
  const env = { LH_PATHS_DATA_DIR: dataDir }
  const storaged = await startDaemon('storaged', { env })
  const catalogd = await startDaemon('catalogd', { env: { ...env, LH_PEERS_STORAGED: storaged.url } })
  const linked = { ...env, LH_PEERS_STORAGED: storaged.url, LH_PEERS_CATALOGD: catalogd.url }
  const ingestd = await startDaemon('ingestd', { env: linked })
  const queryd = await startDaemon('queryd', { env: linked })
  const embedd = await startDaemon('embedd', { env })
  daemons.push(embedd, queryd, ingestd, catalogd, storaged)
  peers = { storaged: storaged.url, queryd: queryd.url, embedd: embedd.url }
  const res = await fetch(`${ingestd.url}/v1/ingest/people?format=csv`, { method: 'POST', body: CSV })
  expect(res.status, await res.clone().text()).toBeLessThan(300)
}, 120_000)

afterAll(async () => {
  for (const daemon of daemons) await daemon.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function vectord() {
  const config = testConfig({ peers, vectors: { job_batch_rows: 500 } })
  const app = buildApp({ config })
  await app.ready()
  await waitFor(async () => (await app.inject({ url: '/v1/vectors/indexes' })).statusCode === 200, 'indexes loaded')
  return {
    app,
    close: async () => {
      await app.close()
      config.cleanup()
    },
  }
}

const request = { dataset: 'people', id_column: 'id', text_column: 'bio', metadata_columns: ['city', 'name'] }

describe('from-dataset', () => {
  it('indexes a text column in one call, with progress in get and a 409 for a second job', async () => {
    const { app, close } = await vectord()
    try {
      await app.inject({
        method: 'POST',
        url: '/v1/vectors/indexes',
        payload: { name: 'bios', dim: 768, metric: 'cosine' },
      })
      const started = await app.inject({
        method: 'POST',
        url: '/v1/vectors/indexes/bios/from-dataset',
        payload: request,
      })
      expect(started.statusCode, started.body).toBe(202)
      expect(started.json()).toMatchObject({ state: 'running', total: ROWS, done: 0 })
      const second = await app.inject({
        method: 'POST',
        url: '/v1/vectors/indexes/bios/from-dataset',
        payload: request,
      })
      expect(second.statusCode).toBe(409)
      await waitFor(
        async () => (await app.inject({ url: '/v1/vectors/indexes/bios' })).json().job.state !== 'running',
        'the job to finish',
        60_000,
      )
      const info = (await app.inject({ url: '/v1/vectors/indexes/bios' })).json()
      expect(info.job).toMatchObject({ state: 'done', done: ROWS, total: ROWS })
      expect(info.count).toBe(ROWS)
      const search = await app.inject({
        method: 'POST',
        url: '/v1/vectors/indexes/bios/search',
        payload: { text: 'rust compiler engineer', k: 3, filter: { city: 'Lyon' } },
      })
      const hits = search.json().hits
      expect(hits[0]).toMatchObject({ id: '7', metadata: { city: 'Lyon', name: 'person 7' } })
      expect(hits.every((h: { metadata: { city: string } }) => h.metadata.city === 'Lyon')).toBe(true)
    } finally {
      await close()
    }
  }, 120_000)

  it('refuses an unknown column and a pinned version before starting (400)', async () => {
    const { app, close } = await vectord()
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/vectors/indexes/bios/from-dataset',
        payload: { ...request, text_column: 'nope' },
      })
      expect(res.statusCode).toBe(400)
      const pinned = await app.inject({
        method: 'POST',
        url: '/v1/vectors/indexes/bios/from-dataset',
        payload: { ...request, version: 1 },
      })
      expect(pinned.statusCode).toBe(400)
    } finally {
      await close()
    }
  }, 60_000)

  it('resumes a job that a crash left running, from its last stored page', async () => {
    const first = await vectord()
    await first.app.inject({
      method: 'POST',
      url: '/v1/vectors/indexes',
      payload: { name: 'resumed', dim: 768, metric: 'cosine' },
    })
    await first.close()
    const storage = `${peers.storaged}/v1/storage/objects/vectors/resumed/JOB.json`
    const job = { state: 'running', dataset: 'people', done: 500, total: ROWS, started_at: new Date().toISOString() }
    await fetch(storage, { method: 'PUT', body: JSON.stringify({ request, job }) })
    const { app, close } = await vectord()
    try {
      await waitFor(
        async () => (await app.inject({ url: '/v1/vectors/indexes/resumed' })).json().job?.state === 'done',
        'the resumed job to finish',
        60_000,
      )
      const info = (await app.inject({ url: '/v1/vectors/indexes/resumed' })).json()
      expect(info.count).toBe(ROWS - 500)
      expect(info.job).toMatchObject({ done: ROWS, total: ROWS })
    } finally {
      await close()
    }
  }, 120_000)
})
