import { icebergManifestKey, icebergManifestListKey, icebergMetadataKey, icebergTableKey } from './iceberg-layout.ts'
import type { IcebergReferences } from './iceberg-metadata.ts'
import type { CatalogStorage } from './storage-port.ts'

// Metadata retention (ADR-016, amended for issue 18 metadata retention): what Iceberg does with
// write.metadata.delete-after-commit.enabled + write.metadata.previous-versions-max and snapshot
// expiry. The current v<N>.metadata.json and the `previousVersionsMax` before it stay (Iceberg
// counts previous versions, so the current file's metadata-log, its last 10, names only kept
// files); so does every manifest list and manifest one of them references; everything older goes.
// Every object is named by the version that wrote it, and what a metadata file references only
// moves forward with the version (the kept snapshots slide, a snapshot lists the manifests of the
// one before plus its own, or one new merged one), so "older" is a number per kind: a floor. Below
// the floor of the oldest kept file nothing is referenced by it or by any newer version.
//
// Deletes come after the version's metadata is written and never hold a commit: they run after
// the pass, and a failed one stays below the floor for the next pass to retry. A pass deletes the
// range the floors moved by since the pass before (about two keys a commit, however long the
// history); only the first pass of a process lists the table's metadata folder, once, to sweep
// what earlier processes left (a crash, a failed delete, a laggard replica's re-creations).

/** Versions below these numbers are no longer referenced by any kept metadata file. */
export interface Floors extends IcebergReferences {
  metadata: number
}

const KINDS = {
  metadata: { key: icebergMetadataKey, pattern: /\/v(\d+)\.metadata\.json$/ },
  list: { key: icebergManifestListKey, pattern: /\/snap-(\d+)\.avro$/ },
  manifest: { key: icebergManifestKey, pattern: /\/manifest-(\d+)\.avro$/ },
} as const

type Kind = keyof typeof KINDS

/** One dataset's retention state, fed every version the writer applies (written or replayed). */
export class IcebergRetention {
  readonly #name: string
  /** Metadata files kept: the current one and the previous ones. */
  readonly #keep: number
  /** The references of the last `keep` versions applied, oldest first. */
  readonly #window: Array<IcebergReferences & { version: number }> = []
  /** Everything below is deleted; undefined until the first (sweeping) prune. */
  #done: Floors | undefined

  constructor(name: string, previousVersionsMax: number) {
    this.#name = name
    this.#keep = previousVersionsMax + 1
  }

  /** Version `version` applied: `references` is what its metadata file names. */
  record(version: number, references: IcebergReferences): void {
    this.#window.push({ version, ...references })
    if (this.#window.length > this.#keep) this.#window.splice(0, this.#window.length - this.#keep)
  }

  /** The floors as of the last recorded version (nothing below 1 when fewer than `keep` exist). */
  floors(): Floors {
    const oldest = this.#window[0]
    if (!oldest || oldest.version === 1 || this.#window.length < this.#keep)
      return { metadata: 1, list: 1, manifest: 1 }
    return {
      metadata: oldest.version,
      list: Math.min(...this.#window.map((w) => w.list)),
      manifest: Math.min(...this.#window.map((w) => w.manifest)),
    }
  }

  /** Deletes what fell below the floors; the first call sweeps the folder. Throws the first failed delete. */
  async prune(storage: CatalogStorage): Promise<number> {
    const floors = this.floors()
    if (!this.#done) {
      const deleted = await this.#sweep(storage, floors)
      this.#done = floors
      return deleted
    }
    let deleted = 0
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const done = this.#done
      for (let version = done[kind]; version < floors[kind]; version++) {
        await storage.delete(KINDS[kind].key(this.#name, version))
        done[kind] = version + 1
        deleted++
      }
    }
    return deleted
  }

  async #sweep(storage: CatalogStorage, floors: Floors): Promise<number> {
    const below: string[] = []
    for await (const { key } of storage.list(`${icebergTableKey(this.#name)}/metadata/`)) {
      for (const kind of Object.keys(KINDS) as Kind[]) {
        const match = KINDS[kind].pattern.exec(key)
        if (match && Number(match[1]) < floors[kind]) below.push(key)
      }
    }
    for (const key of below) await storage.delete(key)
    return below.length
  }
}
