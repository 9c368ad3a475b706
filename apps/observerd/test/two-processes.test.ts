import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DaemonProcess, freePort, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Real processes: one storaged on a temp folder, two observerd processes on it (vectord absent:
// search is not asked here, and its index writes are only retried later). Rules: two writers on
// one namespace lose nothing and answer alike; a restarted observerd (kill -9, snapshots on)
// answers exactly as before.

let dataDir: string
let storaged: DaemonProcess
const observers: DaemonProcess[] = []

async function startObserverd(): Promise<DaemonProcess> {
  const down = `http://127.0.0.1:${await freePort()}`
  const daemon = await startDaemon('observerd', {
    env: {
      LH_PATHS_DATA_DIR: dataDir,
      LH_PEERS_STORAGED: storaged.url,
      LH_PEERS_VECTORD: down,
      LH_PEERS_EMBEDD: down,
      LH_PEERS_QUERYD: down,
      LH_MEMORY_SNAPSHOT_EVERY: '10',
      LH_LOG_LEVEL: 'error',
    },
  })
  observers.push(daemon)
  return daemon
}

async function call(daemon: DaemonProcess, method: string, path: string, body?: object) {
  const res = await fetch(`${daemon.url}${path}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function everything(daemon: DaemonProcess) {
  const list = await call(daemon, 'GET', '/v1/memory/traces?namespace=shared&limit=1000')
  const traces = list.json.traces as Array<{ uid: string }>
  const histories = await Promise.all(
    traces.map(async (t) => (await call(daemon, 'GET', `/v1/memory/traces/${t.uid}/history?namespace=shared`)).json),
  )
  return { traces, histories }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lh-observerd-'))
  storaged = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: dataDir } })
})

afterAll(async () => {
  for (const d of observers) await d.stop('SIGKILL')
  await storaged?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('two observerd processes on one namespace', () => {
  it('race 40 mutations and lose nothing; a kill -9 restart answers the same', async () => {
    const [one, two] = [await startObserverd(), await startObserverd()]
    const writes = []
    for (let i = 0; i < 20; i++) {
      writes.push(call(one, 'POST', '/v1/memory/traces', { namespace: 'shared', content: `one ${i}` }))
      writes.push(call(two, 'POST', '/v1/memory/traces', { namespace: 'shared', content: `two ${i}` }))
    }
    const answers = await Promise.all(writes)
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201))
    expect(new Set(answers.map((a) => a.json.seq)).size).toBe(40)

    // Mutations of one trace through both processes: each decides on the other's events.
    const uid = ((answers[0] as (typeof answers)[number]).json.trace as { uid: string }).uid
    const q = '?namespace=shared'
    await call(two, 'POST', `/v1/memory/traces/${uid}/replay${q}`, { replay_id: 'r1' })
    const dup = await call(one, 'POST', `/v1/memory/traces/${uid}/replay${q}`, { replay_id: 'r1' })
    expect(dup.json.event).toBe('NOOP')
    await call(one, 'POST', `/v1/memory/traces/${uid}/retire${q}`, { reason: 'done' })
    const refused = await call(two, 'POST', `/v1/memory/traces/${uid}/replay${q}`, { replay_id: 'r2' })
    expect([refused.status, (refused.json.error as { code: string }).code]).toEqual([409, 'trace_not_live'])

    const before = await everything(one)
    expect(before.traces).toHaveLength(40)
    expect(await everything(two)).toEqual(before)

    await one.stop('SIGKILL')
    const restarted = await startObserverd()
    expect(await everything(restarted)).toEqual(before)
    const ready = await call(restarted, 'GET', '/ready')
    expect((ready.json.checks as Record<string, unknown>).pathway).toEqual({
      ok: true,
      details: { namespaces_loaded: 1, quarantined: [] },
    })
  })
})
