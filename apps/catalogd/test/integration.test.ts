import type { CatalogClient, Manifest } from '@lakehouse/shared/clients/catalog.ts'
import type { DaemonProcess } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SCHEMA } from './fixtures.ts'
import { type Storaged, startCatalogd, startStoraged, uploadFiles } from './stack.ts'

// catalogd as a real process over a real storaged, talked to over HTTP with the shared client:
// concurrent appends, restarts and replicas (no state outside storage).

let storaged: Storaged
const running: Array<{ daemon: DaemonProcess; client: CatalogClient }> = []

async function catalogd() {
  const started = await startCatalogd(storaged)
  running.push(started)
  return started
}

beforeAll(async () => {
  storaged = await startStoraged()
})

afterEach(async () => {
  for (const { daemon, client } of running.splice(0)) {
    await client.close()
    await daemon.stop()
  }
})

afterAll(async () => {
  await storaged?.stop()
})

const keysOf = (m: Manifest) => m.files.map((f) => f.key).sort()

describe('catalogd over HTTP', () => {
  it('10 parallel appends land as version 11 holding every file exactly once', async () => {
    const { client } = await catalogd()
    await client.commit('parallel', { operation: 'create', schema: SCHEMA, files: [] })
    const files = await uploadFiles(
      storaged.storage,
      'parallel',
      Array.from({ length: 10 }, (_, i) => `p${i}`),
    )
    await Promise.all(
      files.map((file) => client.commit('parallel', { operation: 'append', schema: SCHEMA, files: [file] })),
    )
    const latest = await client.getManifest('parallel')
    expect(latest.version).toBe(11)
    expect(keysOf(latest)).toEqual(files.map((f) => f.key).sort())
  })

  it('a restarted catalogd and a second replica answer exactly what was committed', async () => {
    const first = await catalogd()
    await first.client.commit('kept', { operation: 'create', schema: SCHEMA, files: [] })
    const files = await uploadFiles(storaged.storage, 'kept', ['r1', 'r2'])
    await first.client.commit('kept', { operation: 'append', schema: SCHEMA, files: [files[0]!] })
    await first.client.commit('gone', { operation: 'create', schema: SCHEMA, files: [] })
    await first.client.deleteDataset('gone')
    const before = {
      list: await first.client.listDatasets(),
      versions: await first.client.listVersions('kept'),
      v1: await first.client.getManifest('kept', 1),
    }
    await first.daemon.stop()

    const restarted = await catalogd()
    expect(await restarted.client.listDatasets()).toEqual(before.list)
    expect(await restarted.client.listVersions('kept')).toEqual(before.versions)
    expect(await restarted.client.getManifest('kept', 1)).toEqual(before.v1)
    await expect(restarted.client.getManifest('gone')).rejects.toMatchObject({ code: 'not_found' })

    // A replica's commit is visible to the other at once: both read storage, not memory.
    const replica = await catalogd()
    await replica.client.commit('kept', { operation: 'append', schema: SCHEMA, files: [files[1]!] })
    const seen = await restarted.client.getManifest('kept')
    expect(seen.version).toBe(3)
    expect(await restarted.client.generation()).toBe(before.list.generation + 1)

    // Appends spread over the two replicas all land.
    const spread = await uploadFiles(storaged.storage, 'kept', ['s0', 's1', 's2', 's3'])
    await Promise.all(
      spread.map((file, i) =>
        (i % 2 ? replica : restarted).client.commit('kept', { operation: 'append', schema: SCHEMA, files: [file] }),
      ),
    )
    const latest = await replica.client.getManifest('kept')
    expect(latest.version).toBe(7)
    expect(keysOf(latest)).toEqual([...files, ...spread].map((f) => f.key).sort())
  })
})
