import type { Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { describe, expect, it } from 'vitest'
import { deriveIceberg, type VersionObjects } from '../src/iceberg-metadata.ts'
import { nextManifest } from '../src/next-manifest.ts'
import { dataFile, request } from './fixtures.ts'

// A compact version as Iceberg sees it (ADR-022): a snapshot with operation `replace` (files
// rewritten, data unchanged) that removes the inputs, adds the output, and keeps the record count.

const NOW = '2026-11-26T04:00:00.000Z'

describe('compaction in the Iceberg metadata', () => {
  it('is a replace snapshot that swaps the files and keeps the records', () => {
    const [a, b, big] = [dataFile('sales', 'a', 3), dataFile('sales', 'b', 4), dataFile('sales', 'big', 7)]
    const v1 = nextManifest('sales', undefined, request('create', [a]), NOW)
    const v2 = nextManifest('sales', v1, request('append', [b]), NOW)
    const v3: Manifest = nextManifest('sales', v2, { operation: 'compact', remove: [a.key, b.key], files: [big] }, NOW)
    const versions: VersionObjects[] = []
    deriveIceberg([v1, v2, v3], 's3://bucket', (v) => versions.push(v))
    const metadata = JSON.parse(String(versions[2]?.objects.at(-1)?.body))
    const summary = metadata.snapshots.at(-1).summary
    expect(summary).toMatchObject({
      operation: 'replace',
      'added-data-files': '1',
      'deleted-data-files': '2',
      'added-records': '7',
      'deleted-records': '7',
      'total-records': '7',
      'total-data-files': '1',
    })
  })
})
