import { createHash } from 'node:crypto'
import type { DataFile } from '@lakehouse/shared/contracts/catalog.ts'
import {
  avroContainer,
  MANIFEST_ENTRY_SCHEMA,
  MANIFEST_FILE_SCHEMA,
  manifestEntryType,
  manifestFileType,
} from './iceberg-avro.ts'
import type { IcebergSchema } from './iceberg-types.ts'

// The Avro half of a snapshot (ADR-016, amended for issue 18): manifests are immutable and shared
// between snapshots, as Iceberg designs them. An append writes one manifest of its added files and
// lists it with the previous snapshot's manifests, unchanged; a snapshot that removes files, or
// whose list would pass MAX_MANIFESTS, writes one manifest of the whole live set instead.

/**
 * Manifests one snapshot lists at most; past it they are merged into one. Iceberg's default is 100;
 * 32 keeps the list small (~80 bytes an entry) while a merge, which rewrites every live file's
 * entry, comes once per 32 appends (issue 18 measurements in ADR-016).
 */
export const MAX_MANIFESTS = 32

export const STATUS_EXISTING = 0
export const STATUS_ADDED = 1

/** A live data file and the snapshot (= sequence number) that added it. */
export interface LiveFile {
  snapshot: number
  rows: number
  bytes: number
}

/** One manifest_file record of a manifest list, kept as written so later lists reuse it unchanged. */
export interface ManifestRef {
  manifest_path: string
  manifest_length: number
  partition_spec_id: 0
  content: 0
  sequence_number: number
  min_sequence_number: number
  added_snapshot_id: number
  added_files_count: number
  existing_files_count: number
  deleted_files_count: 0
  added_rows_count: number
  existing_rows_count: number
  deleted_rows_count: 0
  partitions: null
  key_metadata: null
}

export const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest()

function entry(uri: string, file: DataFile, before: LiveFile | undefined, version: number) {
  return {
    status: before ? STATUS_EXISTING : STATUS_ADDED,
    snapshot_id: before ? before.snapshot : version,
    // ADDED entries inherit their sequence numbers from the manifest list (spec "Sequence Number Inheritance").
    sequence_number: before ? before.snapshot : null,
    file_sequence_number: before ? before.snapshot : null,
    data_file: {
      content: 0,
      file_path: uri,
      file_format: 'PARQUET',
      partition: {},
      record_count: file.rows,
      file_size_in_bytes: file.bytes,
      column_sizes: null,
      value_counts: null,
      null_value_counts: null,
      nan_value_counts: null,
      lower_bounds: null,
      upper_bounds: null,
      key_metadata: null,
      split_offsets: null,
      equality_ids: null,
      sort_order_id: null,
    },
  }
}

export interface WrittenManifest {
  body: Buffer
  ref: ManifestRef
}

/**
 * The manifest snapshot `version` writes at `path`: `files` with EXISTING entries for those in
 * `live` (the snapshot that added them kept) and ADDED for the rest.
 */
export function writeManifest(
  name: string,
  version: number,
  path: string,
  schema: IcebergSchema,
  files: readonly DataFile[],
  live: ReadonlyMap<string, LiveFile>,
  uri: (key: string) => string,
): WrittenManifest {
  const entries = files.map((file) => entry(uri(file.key), file, live.get(file.key), version))
  const body = avroContainer(
    manifestEntryType,
    MANIFEST_ENTRY_SCHEMA,
    [
      ['schema', JSON.stringify(schema)],
      ['schema-id', String(schema['schema-id'])],
      ['partition-spec', '[]'],
      ['partition-spec-id', '0'],
      ['format-version', '2'],
      ['content', 'data'],
    ],
    entries,
    sha(`${name}:${version}:manifest`).subarray(0, 16),
  )
  const existing = files.filter((f) => live.has(f.key))
  const added = files.filter((f) => !live.has(f.key))
  const rows = (list: DataFile[]) => list.reduce((n, f) => n + f.rows, 0)
  const ref: ManifestRef = {
    manifest_path: path,
    manifest_length: body.length,
    partition_spec_id: 0,
    content: 0,
    sequence_number: version,
    min_sequence_number: Math.min(version, ...existing.map((f) => (live.get(f.key) as LiveFile).snapshot)),
    added_snapshot_id: version,
    added_files_count: added.length,
    existing_files_count: existing.length,
    deleted_files_count: 0,
    added_rows_count: rows(added),
    existing_rows_count: rows(existing),
    deleted_rows_count: 0,
    partitions: null,
    key_metadata: null,
  }
  return { body, ref }
}

/** The manifest list of snapshot `version`. */
export function writeManifestList(
  name: string,
  version: number,
  parent: number | undefined,
  refs: readonly ManifestRef[],
): Buffer {
  return avroContainer(
    manifestFileType,
    MANIFEST_FILE_SCHEMA,
    [
      ['snapshot-id', String(version)],
      ['parent-snapshot-id', parent === undefined ? 'null' : String(parent)],
      ['sequence-number', String(version)],
      ['format-version', '2'],
    ],
    refs,
    sha(`${name}:${version}:manifest-list`).subarray(0, 16),
  )
}
