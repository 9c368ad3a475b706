import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCHEMA } from './fixtures.ts'
import { type Storaged, startCatalogd, startStoraged, uploadFiles } from './stack.ts'

// kill -9 of catalogd with commits in flight (DESIGN §2.1): every acknowledged commit is there
// after a restart, the dataset reads at a consistent version, and retrying every request with its
// idempotency key lands each file exactly once.

let storaged: Storaged

beforeAll(async () => {
  storaged = await startStoraged()
})

afterAll(async () => {
  await storaged?.stop()
})

const COMMITS = 16

describe('catalogd crash', () => {
  it('kill -9 mid-commit loses no acknowledged commit and leaves a consistent dataset', async () => {
    const doomed = await startCatalogd(storaged)
    await doomed.client.commit('crashy', { operation: 'create', schema: SCHEMA, files: [] })
    const files = await uploadFiles(
      storaged.storage,
      'crashy',
      Array.from({ length: COMMITS }, (_, i) => `c${i}`),
    )
    const acked: Manifest[] = []
    const inFlight = files.map((file, i) =>
      doomed.client
        .commit('crashy', { operation: 'append', schema: SCHEMA, files: [file], idempotency_key: `crash-${i}` })
        .then((m) => acked.push(m)),
    )
    await waitFor(async () => acked.length >= 2, 'the first acknowledged commits')
    doomed.daemon.child.kill('SIGKILL')
    const outcomes = await Promise.allSettled(inFlight)
    // The kill must have caught commits in flight, or this proves nothing about a crash mid-commit.
    expect(acked.length).toBeLessThan(COMMITS)
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(COMMITS - acked.length)
    await doomed.daemon.stop()
    await doomed.client.close()

    const revived = await startCatalogd(storaged)
    try {
      const latest = await revived.client.getManifest('crashy')
      const versions = (await revived.client.listVersions('crashy')).versions.map((v) => v.version)
      expect(versions).toEqual(Array.from({ length: latest.version }, (_, i) => i + 1))
      // one file per append on top of an empty create: the version says exactly what it holds
      expect(latest.files).toHaveLength(latest.version - 1)
      expect(new Set(latest.files.map((f) => f.key)).size).toBe(latest.files.length)
      for (const manifest of acked) {
        expect(await revived.client.getManifest('crashy', manifest.version)).toEqual(manifest)
        for (const file of manifest.files) expect(latest.files).toContainEqual(file)
      }

      // Retrying every request with its key: acknowledged ones answer their first manifest,
      // the rest commit once, whether or not the crash let them land.
      for (const [i, file] of files.entries()) {
        const answer = await revived.client.commit('crashy', {
          operation: 'append',
          schema: SCHEMA,
          files: [file],
          idempotency_key: `crash-${i}`,
        })
        const first = acked.find((m) => m.idempotency_key === `crash-${i}`)
        if (first) expect(answer).toEqual(first)
      }
      const final = await revived.client.getManifest('crashy')
      expect(final.files.map((f) => f.key).sort()).toEqual(files.map((f) => f.key).sort())
      expect(final.version).toBe(COMMITS + 1)
    } finally {
      await revived.client.close()
      await revived.daemon.stop()
    }
  })
})
