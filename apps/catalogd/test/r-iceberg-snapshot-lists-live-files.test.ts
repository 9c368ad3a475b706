import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { deriveIceberg } from '../src/iceberg-metadata.ts'
import { dataFile, request } from './fixtures.ts'

// Issue 18: with manifests shared between snapshots and merged past a bound, every snapshot's
// manifest list must still name exactly the version's live files, once each, with their rows;
// across merges, a compaction, a delete and a new life.

const WAREHOUSE = 's3://bucket'

async function records(body: Buffer): Promise<Array<Record<string, unknown>>> {
  const decoder = new avro.streams.BlockDecoder()
  const out: Array<Record<string, unknown>> = []
  decoder.on('data', (record: Record<string, unknown>) => out.push(record))
  const done = new Promise((resolve, reject) => decoder.on('end', resolve).on('error', reject))
  decoder.end(body)
  await done
  return out
}

function history(): Manifest[] {
  const out: Manifest[] = []
  let files: Manifest['files'] = []
  const push = (operation: Manifest['operation'], extra: Partial<Manifest> = {}) =>
    out.push({
      name: 'sales',
      version: out.length + 1,
      operation,
      schema: request('create', []).schema,
      files: [...files],
      row_count: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      created_at: '2026-01-01T00:00:00.000Z',
      committed_at: new Date(Date.UTC(2026, 0, 1) + out.length * 1000).toISOString(),
      ...extra,
    })
  for (let i = 0; i < 70; i++) {
    files.push(dataFile('sales', `a${i}`, i + 1))
    push(i === 0 ? 'create' : 'append')
  }
  const compacted = files.slice(0, 10)
  files = [
    ...files.slice(10),
    dataFile(
      'sales',
      'big',
      compacted.reduce((n, f) => n + f.rows, 0),
    ),
  ]
  push('compact')
  for (let i = 0; i < 5; i++) {
    files.push(dataFile('sales', `b${i}`, 2))
    push('append')
  }
  files = []
  push('delete', { deleted: true })
  files = [dataFile('sales', 'again', 9)]
  push('create')
  files.push(dataFile('sales', 'again2', 1))
  push('append')
  return out
}

describe('every Iceberg snapshot lists exactly its live files (issue 18)', () => {
  it('holds at every version of 70 appends, a compaction, 5 appends, a delete and a new life', async () => {
    const versions = history()
    const objects = new Map<string, Buffer>()
    deriveIceberg(versions, WAREHOUSE, (v) => {
      for (const o of v.objects) objects.set(`${WAREHOUSE}/${o.key}`, o.body)
    })
    for (const manifest of versions) {
      if (manifest.deleted) continue
      const metadata = JSON.parse(
        String(objects.get(`${WAREHOUSE}/iceberg/sales/metadata/v${manifest.version}.metadata.json`)),
      )
      const snapshot = metadata.snapshots.at(-1)
      expect(snapshot['snapshot-id']).toBe(manifest.version)
      const listed: Array<[string, number]> = []
      for (const ref of await records(objects.get(snapshot['manifest-list']) as Buffer)) {
        const body = objects.get(ref.manifest_path as string) as Buffer
        expect(ref.manifest_length, `${manifest.version}`).toBe(body.length)
        for (const entry of await records(body)) {
          const file = entry.data_file as { file_path: string; record_count: number }
          if (entry.status === 1) expect(entry.snapshot_id).toBe(ref.added_snapshot_id)
          listed.push([file.file_path, file.record_count])
        }
      }
      const live = manifest.files.map((f): [string, number] => [`${WAREHOUSE}/${f.key}`, f.rows])
      expect(listed.sort(), `version ${manifest.version}`).toEqual(live.sort())
    }
  })
})
