import { LakehouseError } from '@lakehouse/shared'
import type { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { icebergManifestKey, icebergManifestListKey, icebergMetadataKey, icebergTableKey } from './iceberg-layout.ts'
import {
  type LiveFile,
  MAX_MANIFESTS,
  type ManifestRef,
  sha,
  writeManifest,
  writeManifestList,
} from './iceberg-manifests.ts'
import { FieldIds, type IcebergSchema, nameMapping, unmappedColumn } from './iceberg-types.ts'

// Apache Iceberg (format version 2) metadata derived from a dataset's manifests (ADR-016). Pure and
// deterministic: the same history and warehouse give the same bytes, so two catalogd replicas that
// write the same version create-only agree, and a crash mid-way leaves nothing to repair (the next
// pass writes what is missing). One snapshot per catalog version, its id and sequence number the
// version: create/append → "append", replace → "overwrite", compact → "replace", a delete → no
// current snapshot. What one version writes does not grow with the history (issue 18): manifests
// are shared between snapshots (iceberg-manifests.ts) and the table metadata keeps the last
// SNAPSHOTS_KEPT snapshots, as an engine's snapshot expiry would.

/**
 * Snapshots (and metadata-log entries) v<N>.metadata.json keeps; older ones are expired, as an
 * engine's expire_snapshots(retain_last) does. Each costs ~700 bytes in every later metadata file;
 * older snapshots stay readable through their own v<N>.metadata.json while retention keeps it
 * (iceberg-retention.ts).
 */
export const SNAPSHOTS_KEPT = 10

/** Previous metadata files kept by default besides the current one (catalog.iceberg_previous_versions_max, as Iceberg's own default). */
export const PREVIOUS_VERSIONS_MAX = 100

/** The oldest objects the latest metadata file references, by the version that wrote them. */
export interface IcebergReferences {
  /** snap-<N>.avro: the oldest kept snapshot. */
  list: number
  /** manifest-<N>.avro: the oldest manifest a kept snapshot lists. */
  manifest: number
}

export interface IcebergObject {
  key: string
  body: Buffer
}

/** The objects of one catalog version: its manifest (if any), its manifest list, then v<N>.metadata.json. */
export interface VersionObjects {
  version: number
  objects: IcebergObject[]
}

/** A dataset version with a column that has no Iceberg type: the table cannot be described. */
export class Unrepresentable extends LakehouseError {
  override readonly status = 400
  override readonly code = 'not_representable'
}

/** A name-based UUID (RFC 9562 version 8 layout) from what identifies the table's first life. */
function tableUuid(name: string, firstCommit: string): string {
  const b = sha(`lakehouse-iceberg-table:${name}:${firstCommit}`).subarray(0, 16)
  b[6] = ((b[6] as number) & 0x0f) | 0x80
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  const hex = b.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const ms = (iso: string) => Date.parse(iso)

/** Keeps the last `n` items of `list` in place. */
function keepLast<T>(list: T[], n: number): void {
  if (list.length > n) list.splice(0, list.length - n)
}

/**
 * One table's Iceberg state as of its last applied version: applying version N+1 writes only that
 * version's objects, from what the state holds (live files, the current manifest list, the kept
 * snapshots), so a pass after one commit reads one manifest and encodes a bounded amount.
 */
export class IcebergTable {
  readonly #name: string
  readonly #uri: (key: string) => string
  readonly #uuid: string
  readonly #ids = new FieldIds()
  readonly #schemas: IcebergSchema[] = []
  readonly #schemaIds = new Map<string, number>()
  readonly #snapshots: Array<Record<string, unknown>> = []
  /** Per kept snapshot (same order), the oldest manifest its list names. */
  readonly #snapshotManifests: number[] = []
  readonly #previousVersionsMax: number
  readonly #metadataLog: Array<{ 'metadata-file': string; 'timestamp-ms': number }> = []
  #live = new Map<string, LiveFile>()
  #manifests: ManifestRef[] = []
  #current = -1
  #lastSequence = 0
  #version = 0

  /** `first` is the dataset's version 1: the table's identity comes from it. */
  constructor(first: Manifest, warehouse: string, previousVersionsMax = PREVIOUS_VERSIONS_MAX) {
    this.#name = first.name
    this.#previousVersionsMax = previousVersionsMax
    this.#uri = (key) => `${warehouse}/${key}`
    this.#uuid = tableUuid(first.name, first.committed_at)
  }

  /** The last version applied (0 before any). */
  get version(): number {
    return this.#version
  }

  /** What the latest metadata file references: nothing older is needed to read it. */
  get references(): IcebergReferences {
    const list = this.#snapshots[0]?.['snapshot-id']
    const none = this.#version + 1
    return {
      list: typeof list === 'number' ? list : none,
      manifest: Math.min(none, ...this.#snapshotManifests),
    }
  }

  /**
   * Applies the next version and returns its objects; `encode: false` updates the state only (a
   * replay of versions already written). Throws Unrepresentable, the state unchanged, when the
   * version has a column without an Iceberg type.
   */
  apply(manifest: Manifest, encode = true): VersionObjects {
    const name = this.#name
    const version = manifest.version
    if (version !== this.#version + 1 || manifest.name !== name) {
      throw new Error(`history of ${name} is not versions 1..N in order (at ${this.#version + 1})`)
    }
    const problem = unmappedColumn(manifest.schema)
    if (problem) throw new Unrepresentable(`${name} version ${version}: ${problem}`)
    const schema = this.#schema(manifest)
    const objects: IcebergObject[] = []
    if (manifest.deleted) {
      this.#live = new Map()
      this.#manifests = []
      this.#current = -1
    } else {
      objects.push(...this.#snapshot(manifest, schema, encode))
    }
    this.#version = version

    const metadataKey = icebergMetadataKey(name, version)
    if (encode) objects.push({ key: metadataKey, body: this.#metadata(manifest, schema) })
    this.#metadataLog.push({ 'metadata-file': this.#uri(metadataKey), 'timestamp-ms': ms(manifest.committed_at) })
    keepLast(this.#metadataLog, SNAPSHOTS_KEPT)
    return { version, objects }
  }

  #schema(manifest: Manifest): IcebergSchema {
    const fieldsKey = JSON.stringify(manifest.schema.map((f) => [f.name, f.type, f.nullable]))
    let schemaId = this.#schemaIds.get(fieldsKey)
    if (schemaId === undefined) {
      schemaId = this.#schemas.length
      this.#schemaIds.set(fieldsKey, schemaId)
      this.#schemas.push(this.#ids.schema(manifest.schema, schemaId))
    }
    return this.#schemas[schemaId] as IcebergSchema
  }

  /** The version's manifest (when it writes one) and manifest list; records its snapshot. */
  #snapshot(manifest: Manifest, schema: IcebergSchema, encode: boolean): IcebergObject[] {
    const name = this.#name
    const version = manifest.version
    const live = this.#live
    const parent = this.#current === -1 ? undefined : this.#current
    const keys = new Set(manifest.files.map((f) => f.key))
    const added = manifest.files.filter((f) => !live.has(f.key))
    const removed = [...live.entries()].filter(([key]) => !keys.has(key)).map(([, file]) => file)
    const objects: IcebergObject[] = []
    const manifestKey = icebergManifestKey(name, version)
    // An append keeps every manifest and adds one of its files; anything else, or a list that would
    // pass the bound, is one manifest of the live set (removed files simply absent from it).
    const reuse = removed.length === 0 && this.#manifests.length + (added.length > 0 ? 1 : 0) <= MAX_MANIFESTS
    const written = reuse ? added : manifest.files
    let refs = reuse ? this.#manifests : []
    if (written.length > 0) {
      const { body, ref } = writeManifest(name, version, this.#uri(manifestKey), schema, written, live, this.#uri)
      objects.push({ key: manifestKey, body })
      refs = [...refs, ref]
    }
    const listKey = icebergManifestListKey(name, version)
    if (encode) objects.push({ key: listKey, body: writeManifestList(name, version, parent, refs) })

    const next = new Map<string, LiveFile>()
    for (const f of manifest.files) {
      next.set(f.key, { snapshot: live.get(f.key)?.snapshot ?? version, rows: f.rows, bytes: f.bytes })
    }
    const sum = (list: readonly { rows: number; bytes: number }[], field: 'rows' | 'bytes') =>
      String(list.reduce((n, f) => n + f[field], 0))
    this.#snapshots.push({
      'snapshot-id': version,
      ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
      'sequence-number': version,
      'timestamp-ms': ms(manifest.committed_at),
      'manifest-list': this.#uri(listKey),
      summary: {
        operation: icebergOperation(manifest.operation),
        'added-data-files': String(added.length),
        'added-records': sum(added, 'rows'),
        'added-files-size': sum(added, 'bytes'),
        'deleted-data-files': String(removed.length),
        'deleted-records': sum(removed, 'rows'),
        'removed-files-size': sum(removed, 'bytes'),
        'total-data-files': String(manifest.files.length),
        'total-records': String(manifest.row_count),
        'total-files-size': String(manifest.bytes),
        'total-delete-files': '0',
        'total-position-deletes': '0',
        'total-equality-deletes': '0',
        'lakehouse.version': String(version),
      },
      'schema-id': schema['schema-id'],
    })
    this.#snapshotManifests.push(Math.min(version, ...refs.map((r) => r.added_snapshot_id)))
    keepLast(this.#snapshots, SNAPSHOTS_KEPT)
    keepLast(this.#snapshotManifests, SNAPSHOTS_KEPT)
    this.#live = next
    this.#manifests = refs
    this.#current = version
    this.#lastSequence = version
    // A replay keeps the manifest (its length is in later lists) but not the list.
    return encode ? objects : []
  }

  #metadata(manifest: Manifest, schema: IcebergSchema): Buffer {
    const current = this.#current
    const metadata = {
      'format-version': 2,
      'table-uuid': this.#uuid,
      location: this.#uri(icebergTableKey(this.#name)),
      'last-sequence-number': this.#lastSequence,
      'last-updated-ms': ms(manifest.committed_at),
      'last-column-id': this.#ids.lastColumnId,
      'current-schema-id': schema['schema-id'],
      schemas: this.#schemas,
      'default-spec-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: [] }],
      'last-partition-id': 999,
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      properties: {
        'schema.name-mapping.default': nameMapping(schema),
        // What this catalog's retention does (iceberg-retention.ts), told as Iceberg's own properties.
        'write.metadata.delete-after-commit.enabled': 'true',
        'write.metadata.previous-versions-max': String(this.#previousVersionsMax),
        'lakehouse.dataset': this.#name,
        'lakehouse.version': String(manifest.version),
      },
      'current-snapshot-id': current,
      refs: current === -1 ? {} : { main: { 'snapshot-id': current, type: 'branch' } },
      snapshots: this.#snapshots,
      'snapshot-log': this.#snapshots.map((s) => ({
        'snapshot-id': s['snapshot-id'],
        'timestamp-ms': s['timestamp-ms'],
      })),
      'metadata-log': this.#metadataLog,
      statistics: [],
    }
    return Buffer.from(`${JSON.stringify(metadata)}\n`)
  }
}

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
  previousVersionsMax = PREVIOUS_VERSIONS_MAX,
): IcebergTable | undefined {
  const first = history[0]
  if (!first) return undefined
  const table = new IcebergTable(first, warehouse, previousVersionsMax)
  for (const manifest of history) {
    const encode = manifest.version >= from
    const objects = table.apply(manifest, encode)
    if (encode) onVersion(objects)
  }
  return table
}

/** Iceberg's snapshot operations: a compaction rewrote files without changing data, which is `replace`. */
function icebergOperation(operation: Manifest['operation']): string {
  if (operation === 'replace') return 'overwrite'
  if (operation === 'compact') return 'replace'
  return 'append'
}
