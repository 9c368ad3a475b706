import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { icebergMetadataKey } from '../src/iceberg-layout.ts'
import { uploadFiles } from './stack.ts'

// Issue 18, metadata retention against a real storaged and two catalogd replicas committing to
// one dataset: once retention has run, only the current metadata file and
// catalog.iceberg_previous_versions_max before it remain, and everything each replica's REST answer
// names (manifest lists, manifests, the metadata-log) reads from storaged.

const SCHEMA = [{ name: 'id', type: 'BIGINT', nullable: false }]
const KEEP = 10
const ENV = { LH_CATALOG_ICEBERG_PREVIOUS_VERSIONS_MAX: String(KEEP), LH_CATALOG_COMPACTION_AUTO: 'false' }

let stack: Stack
let replica: string

beforeAll(async () => {
  stack = await startStack({ envOf: { catalogd: ENV } })
  replica = (await stack.start('catalogd', ENV)).url
}, 60_000)
afterAll(() => stack?.stop())

async function metadataFiles(): Promise<string[]> {
  const keys: string[] = []
  for await (const { key } of stack.storage.list('iceberg/kept/metadata/'))
    if (key.endsWith('.metadata.json')) keys.push(key)
  return keys
}

describe('iceberg metadata retention across catalogd replicas (issue 18)', () => {
  it('every file the REST answer names reads back, and the old metadata files are gone', async () => {
    const first = stack.url('catalogd')
    const urls = [first, replica]
    const files = await uploadFiles(
      stack.storage,
      'kept',
      Array.from({ length: 40 }, (_, i) => `f${i}`),
    )
    for (const [i, file] of files.entries()) {
      const res = await fetch(`${urls[i % 2]}/v1/catalog/datasets/kept/commits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operation: i === 0 ? 'create' : 'append', schema: SCHEMA, files: [file] }),
      })
      expect(res.status, await res.text()).toBeLessThan(300)
    }
    // Deletes run after the passes, in the background: wait for them with a deadline.
    const expected = Array.from({ length: KEEP + 1 }, (_, i) => icebergMetadataKey('kept', 40 - KEEP + i)).sort()
    const deadline = Date.now() + 30_000
    const same = (keys: string[]) => keys.sort().join() === expected.join()
    let found = await metadataFiles()
    while (!same(found) && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve))
      found = await metadataFiles()
    }
    expect(found.sort()).toEqual(expected)
    for (const url of urls) {
      const res = await fetch(`${url}/v1/iceberg/v1/namespaces/lakehouse/tables/kept`)
      const text = await res.text()
      expect(res.status, text).toBe(200)
      const body = JSON.parse(text)
      expect(body['metadata-location']).toMatch(/iceberg\/kept\/metadata\/v40\.metadata\.json$/)
      const named = [...JSON.stringify(body.metadata).matchAll(/iceberg\/kept\/metadata\/[^"]+/g)].map(([k]) => k)
      const lists = named.filter((k) => k.includes('/snap-'))
      expect(lists.length).toBeGreaterThan(0)
      for (const list of lists) {
        const avro = (await stack.storage.getBuffer(list)).toString('latin1')
        for (const [manifest] of avro.matchAll(/iceberg\/kept\/metadata\/manifest-\d{10}\.avro/g)) {
          await stack.storage.getBuffer(manifest)
        }
      }
      for (const key of named) await stack.storage.getBuffer(key)
    }
  }, 120_000)
})
