import { createHash } from 'node:crypto'
import { manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'

export { manifestKey }

// Where the catalog keeps things in storage (DESIGN §6, ADR-005). Every key the catalog reads or
// writes is spelled here and nowhere else.
//   catalog/<name>/v<version:10>.json     one commit object per version, create-only: the commit point
//                                         (a commit entry, or a legacy full manifest: ADR-020)
//   catalog/<name>/checkpoints/v<N:10>.json  the full manifest of version N (every K versions),
//                                         written after the commit; an optional shortcut for readers
//   catalog/<name>/idem/<sha256>.json     idempotency index: key -> version, create-only
//   catalog/_datasets/<name>              empty marker, create-only, written before version 1
//   datasets/<name>/data/...              the dataset's data files (contracts/catalog-layout.ts)

const MANIFEST_KEY = /^catalog\/([a-z][a-z0-9_]{0,62})\/v(\d{10})\.json$/

/** Names never start with `_`, so this folder cannot collide with a dataset's. */
export const DATASET_MARKERS_PREFIX = 'catalog/_datasets/'

export function manifestPrefix(name: string): string {
  return `catalog/${name}/v`
}

/** The dataset and version a manifest key names, or undefined for any other key. */
export function parseManifestKey(key: string): { name: string; version: number } | undefined {
  const match = MANIFEST_KEY.exec(key)
  if (!match) return undefined
  return { name: match[1] as string, version: Number(match[2]) }
}

export function checkpointKey(name: string, version: number): string {
  return `catalog/${name}/checkpoints/v${String(version).padStart(10, '0')}.json`
}

export function datasetMarkerKey(name: string): string {
  return `${DATASET_MARKERS_PREFIX}${name}`
}

export function idempotencyKey(name: string, key: string): string {
  return `catalog/${name}/idem/${createHash('sha256').update(key, 'utf8').digest('hex')}.json`
}
