import { createHash } from 'node:crypto'
import { LakehouseError } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import {
  avroContainer,
  MANIFEST_ENTRY_SCHEMA,
  MANIFEST_FILE_SCHEMA,
  manifestEntryType,
  manifestFileType,
} from './iceberg-avro.ts'
import { icebergManifestKey, icebergManifestListKey, icebergMetadataKey, icebergTableKey } from './iceberg-layout.ts'
import { FieldIds, type IcebergSchema, nameMapping, unmappedColumn } from './iceberg-types.ts'

// Apache Iceberg (format version 2) metadata derived from a dataset's manifests (ADR-016). Pure and
// deterministic: the same history and warehouse give the same bytes, so two catalogd replicas that
// write the same version create-only agree, and a crash mid-way leaves nothing to repair (the next
// pass writes what is missing). One snapshot per catalog version, its id and sequence number the
// version: create/append → "append", replace → "overwrite", a delete → no current snapshot.

export interface IcebergObject {
  key: string
  body: Buffer
}

/** The objects of one catalog version: its manifest, its manifest list, then v<N>.metadata.json. */
export interface VersionObjects {
  version: number
  objects: IcebergObject[]
}

/** A dataset version with a column that has no Iceberg type: the table cannot be described. */
export class Unrepresentable extends LakehouseError {
  override readonly status = 400
  override readonly code = 'not_representable'
}

const STATUS_EXISTING = 0
const STATUS_ADDED = 1

interface LiveFile {
  snapshot: number
  rows: number
  bytes: number
}

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** A name-based UUID (RFC 9562 version 8 layout) from what identifies the table's first life. */
function tableUuid(name: string, firstCommit: string): string {
  const b = sha(`lakehouse-iceberg-table:${name}:${firstCommit}`).subarray(0, 16)
  b[6] = ((b[6] as number) & 0x0f) | 0x80
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  const hex = b.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const ms = (iso: string) => Date.parse(iso)

/**
 * Every version's Iceberg objects for `history` (versions 1..N of one dataset, in order), with
 * paths under `warehouse` (no trailing slash). Throws Unrepresentable at the first version whose
 * schema has a column without an Iceberg type; the versions before it are still returned.
 */
export function deriveIceberg(
  history: readonly Manifest[],
  warehouse: string,
  onVersion: (objects: VersionObjects) => void,
  /** Versions below this are replayed for their state only, not encoded (a pass after one commit). */
  from = 1,
): void {
  const first = history[0]
  if (!first) return
  const name = first.name
  const uri = (key: string) => `${warehouse}/${key}`
  const uuid = tableUuid(name, first.committed_at)
  const ids = new FieldIds()
  const schemas: IcebergSchema[] = []
  const schemaIds = new Map<string, number>()
  const snapshots: Array<Record<string, unknown>> = []
  const metadataLog: Array<{ 'metadata-file': string; 'timestamp-ms': number }> = []
  let live = new Map<string, LiveFile>()
  let current = -1

  history.forEach((manifest, index) => {
    if (manifest.version !== index + 1 || manifest.name !== name) {
      throw new Error(`history of ${name} is not versions 1..N in order (at ${index + 1})`)
    }
    const problem = unmappedColumn(manifest.schema)
    if (problem) throw new Unrepresentable(`${name} version ${manifest.version}: ${problem}`)
    const fieldsKey = JSON.stringify(manifest.schema.map((f) => [f.name, f.type, f.nullable]))
    let schemaId = schemaIds.get(fieldsKey)
    if (schemaId === undefined) {
      schemaId = schemas.length
      schemaIds.set(fieldsKey, schemaId)
      schemas.push(ids.schema(manifest.schema, schemaId))
    }
    const schema = schemas[schemaId] as IcebergSchema
    const objects: IcebergObject[] = []
    const version = manifest.version
    if (manifest.deleted) {
      live = new Map()
      current = -1
    } else {
      const parent = current === -1 ? undefined : current
      const next = new Map<string, LiveFile>()
      const entries = manifest.files.map((file) => {
        const before = live.get(file.key)
        next.set(file.key, { snapshot: before?.snapshot ?? version, rows: file.rows, bytes: file.bytes })
        return {
          status: before ? STATUS_EXISTING : STATUS_ADDED,
          snapshot_id: before ? before.snapshot : version,
          // ADDED entries inherit their sequence numbers from the manifest list (spec "Sequence Number Inheritance").
          sequence_number: before ? before.snapshot : null,
          file_sequence_number: before ? before.snapshot : null,
          data_file: {
            content: 0,
            file_path: uri(file.key),
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
      })
      const added = entries.filter((e) => e.status === STATUS_ADDED)
      const existing = entries.filter((e) => e.status === STATUS_EXISTING)
      const removed = [...live.entries()].filter(([key]) => !next.has(key)).map(([, file]) => file)
      const rowsOf = (list: typeof entries) => list.reduce((n, e) => n + e.data_file.record_count, 0)
      const bytesOf = (list: typeof entries) => list.reduce((n, e) => n + e.data_file.file_size_in_bytes, 0)

      const manifestKey = icebergManifestKey(name, version)
      const listKey = icebergManifestListKey(name, version)
      const encode = version >= from
      const manifestBody = !encode
        ? Buffer.alloc(0)
        : avroContainer(
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
      const minSequence = Math.min(version, ...existing.map((e) => e.sequence_number as number))
      const listBody = !encode
        ? Buffer.alloc(0)
        : avroContainer(
            manifestFileType,
            MANIFEST_FILE_SCHEMA,
            [
              ['snapshot-id', String(version)],
              ['parent-snapshot-id', parent === undefined ? 'null' : String(parent)],
              ['sequence-number', String(version)],
              ['format-version', '2'],
            ],
            [
              {
                manifest_path: uri(manifestKey),
                manifest_length: manifestBody.length,
                partition_spec_id: 0,
                content: 0,
                sequence_number: version,
                min_sequence_number: minSequence,
                added_snapshot_id: version,
                added_files_count: added.length,
                existing_files_count: existing.length,
                deleted_files_count: 0,
                added_rows_count: rowsOf(added),
                existing_rows_count: rowsOf(existing),
                deleted_rows_count: 0,
                partitions: null,
                key_metadata: null,
              },
            ],
            sha(`${name}:${version}:manifest-list`).subarray(0, 16),
          )
      if (encode) objects.push({ key: manifestKey, body: manifestBody }, { key: listKey, body: listBody })

      snapshots.push({
        'snapshot-id': version,
        ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
        'sequence-number': version,
        'timestamp-ms': ms(manifest.committed_at),
        'manifest-list': uri(listKey),
        summary: {
          operation: icebergOperation(manifest.operation),
          'added-data-files': String(added.length),
          'added-records': String(rowsOf(added)),
          'added-files-size': String(bytesOf(added)),
          'deleted-data-files': String(removed.length),
          'deleted-records': String(removed.reduce((n, f) => n + f.rows, 0)),
          'removed-files-size': String(removed.reduce((n, f) => n + f.bytes, 0)),
          'total-data-files': String(entries.length),
          'total-records': String(manifest.row_count),
          'total-files-size': String(manifest.bytes),
          'total-delete-files': '0',
          'total-position-deletes': '0',
          'total-equality-deletes': '0',
          'lakehouse.version': String(version),
        },
        'schema-id': schema['schema-id'],
      })
      live = next
      current = version
    }

    const metadataKey = icebergMetadataKey(name, version)
    metadataLog.push({ 'metadata-file': uri(metadataKey), 'timestamp-ms': ms(manifest.committed_at) })
    if (version < from) return
    const metadata = {
      'format-version': 2,
      'table-uuid': uuid,
      location: uri(icebergTableKey(name)),
      'last-sequence-number': snapshots.length === 0 ? 0 : (snapshots.at(-1)?.['sequence-number'] as number),
      'last-updated-ms': ms(manifest.committed_at),
      'last-column-id': ids.lastColumnId,
      'current-schema-id': schema['schema-id'],
      schemas,
      'default-spec-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: [] }],
      'last-partition-id': 999,
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      properties: {
        'schema.name-mapping.default': nameMapping(schema),
        'lakehouse.dataset': name,
        'lakehouse.version': String(version),
      },
      'current-snapshot-id': current,
      refs: current === -1 ? {} : { main: { 'snapshot-id': current, type: 'branch' } },
      snapshots,
      'snapshot-log': snapshots.map((s) => ({ 'snapshot-id': s['snapshot-id'], 'timestamp-ms': s['timestamp-ms'] })),
      'metadata-log': metadataLog.slice(0, -1),
      statistics: [],
    }
    objects.push({ key: metadataKey, body: Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`) })
    onVersion({ version, objects })
  })
}

/** Iceberg's snapshot operations: a compaction rewrote files without changing data, which is `replace`. */
function icebergOperation(operation: Manifest['operation']): string {
  if (operation === 'replace') return 'overwrite'
  if (operation === 'compact') return 'replace'
  return 'append'
}
