import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Issue 9 item 10: with catalogd or storaged killed, queries straight to queryd answer 503
// upstream_unavailable and queryd stays up. The crash it protects against: the view refresh failed
// fast and its error path closed the DuckDB connection while the statement guard was still running
// on it (SIGSEGV). A long statement keeps the guard busy. Since ADR-021 a query needs a peer only
// for a dataset it reads: `moved` is committed before queryd ever saw it, so every query finds a
// newer commit object in storaged and asks catalogd for its manifest.

const LONG_SQL = `select ${Array.from({ length: 3000 }, (_, i) => `0+0*2 as c${i}`).join(', ')} from moved`

for (const peer of ['catalogd', 'storaged'] as const) {
  describe(`a ${peer} outage never crashes queryd`, () => {
    const daemons: DaemonProcess[] = []
    let dataDir: string
    let queryd: DaemonProcess
    let victim: DaemonProcess

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'lh-outage-'))
      const env = { LH_PATHS_DATA_DIR: dataDir }
      const storaged = await startDaemon('storaged', { env })
      const catalogd = await startDaemon('catalogd', { env: { ...env, LH_PEERS_STORAGED: storaged.url } })
      queryd = await startDaemon('queryd', {
        env: { ...env, LH_PEERS_STORAGED: storaged.url, LH_PEERS_CATALOGD: catalogd.url },
      })
      daemons.push(queryd, catalogd, storaged)
      const created = await fetch(`${catalogd.url}/v1/catalog/datasets/moved/commits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          operation: 'create',
          schema: [{ name: 'a', type: 'BIGINT', nullable: true }],
          files: [],
        }),
      })
      expect(created.status, await created.text()).toBeLessThan(300)
      victim = peer === 'catalogd' ? catalogd : storaged
    }, 60_000)
    afterAll(async () => {
      for (const daemon of daemons) await daemon.stop('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    })

    it(`answers 503 upstream_unavailable with ${peer} killed, and is still alive after`, async () => {
      await victim.stop('SIGKILL')
      const send = () =>
        fetch(`${queryd.url}/v1/query/sql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sql: LONG_SQL }),
        })
      for (let round = 0; round < 5; round += 1) {
        // A crashed queryd shows as a refused or cut connection: fetch rejects.
        const answers = await Promise.all(Array.from({ length: 4 }, send))
        for (const res of answers) {
          const body = (await res.json()) as { error: { code: string } }
          expect(res.status, JSON.stringify(body)).toBe(503)
          expect(body.error.code).toBe('upstream_unavailable')
        }
      }
      expect(queryd.child.exitCode, queryd.output()).toBeNull()
      expect(queryd.child.signalCode, queryd.output()).toBeNull()
      expect((await fetch(`${queryd.url}/health`)).status).toBe(200)
    }, 120_000)
  })
}
