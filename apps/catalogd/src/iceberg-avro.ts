import avro from 'avsc'

// Iceberg's Avro files (spec "Manifests" and "Manifest Lists", format version 2), written as Avro
// object container files with avsc. The schemas are the spec's, field ids included; the container
// is assembled here rather than by avsc's BlockEncoder stream so that the sync marker is derived
// (not random) and the same catalog version always gives the same bytes (ADR-016).

const optional = (name: string, type: unknown, fieldId: number) => ({
  name,
  type: ['null', type],
  default: null,
  'field-id': fieldId,
})

const mapOf = (name: string, fieldId: number, keyId: number, valueId: number, value: string) =>
  optional(
    name,
    {
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: value, 'field-id': valueId },
        ],
      },
    },
    fieldId,
  )

/** manifest_entry with the v2 data_file of an unpartitioned table (partition r102 has no fields). */
export const MANIFEST_ENTRY_SCHEMA = {
  type: 'record',
  name: 'manifest_entry',
  fields: [
    { name: 'status', type: 'int', 'field-id': 0 },
    optional('snapshot_id', 'long', 1),
    optional('sequence_number', 'long', 3),
    optional('file_sequence_number', 'long', 4),
    {
      name: 'data_file',
      'field-id': 2,
      type: {
        type: 'record',
        name: 'r2',
        fields: [
          { name: 'content', type: 'int', 'field-id': 134 },
          { name: 'file_path', type: 'string', 'field-id': 100 },
          { name: 'file_format', type: 'string', 'field-id': 101 },
          { name: 'partition', type: { type: 'record', name: 'r102', fields: [] }, 'field-id': 102 },
          { name: 'record_count', type: 'long', 'field-id': 103 },
          { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          mapOf('column_sizes', 108, 117, 118, 'long'),
          mapOf('value_counts', 109, 119, 120, 'long'),
          mapOf('null_value_counts', 110, 121, 122, 'long'),
          mapOf('nan_value_counts', 137, 138, 139, 'long'),
          mapOf('lower_bounds', 125, 126, 127, 'bytes'),
          mapOf('upper_bounds', 128, 129, 130, 'bytes'),
          optional('key_metadata', 'bytes', 131),
          optional('split_offsets', { type: 'array', items: 'long', 'element-id': 133 }, 132),
          optional('equality_ids', { type: 'array', items: 'int', 'element-id': 136 }, 135),
          optional('sort_order_id', 'int', 140),
        ],
      },
    },
  ],
} as const

/** manifest_file: one entry of a manifest list. */
export const MANIFEST_FILE_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    optional(
      'partitions',
      {
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            optional('contains_nan', 'boolean', 518),
            optional('lower_bound', 'bytes', 510),
            optional('upper_bound', 'bytes', 511),
          ],
        },
      },
      507,
    ),
    optional('key_metadata', 'bytes', 519),
  ],
} as const

export const manifestEntryType = avro.Type.forSchema(MANIFEST_ENTRY_SCHEMA as unknown as avro.Schema)
export const manifestFileType = avro.Type.forSchema(MANIFEST_FILE_SCHEMA as unknown as avro.Schema)

const HEADER = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
})
const LONG = avro.Type.forSchema('long')
const MAGIC = Buffer.from('Obj\u0001', 'latin1')

/**
 * One Avro object container file: header (schema, codec null, `metadata` in the given order), then
 * one block of all records. `sync` is 16 bytes the caller derives from what the file describes.
 */
export function avroContainer(
  type: avro.Type,
  schema: unknown,
  metadata: ReadonlyArray<[string, string]>,
  records: readonly unknown[],
  sync: Buffer,
): Buffer {
  const meta: Record<string, Buffer> = {
    'avro.schema': Buffer.from(JSON.stringify(schema)),
    'avro.codec': Buffer.from('null'),
  }
  for (const [key, value] of metadata) meta[key] = Buffer.from(value)
  const header = HEADER.toBuffer({ magic: MAGIC, meta, sync })
  const body = Buffer.concat(records.map((record) => type.toBuffer(record)))
  return Buffer.concat([header, LONG.toBuffer(records.length), LONG.toBuffer(body.length), body, sync])
}
