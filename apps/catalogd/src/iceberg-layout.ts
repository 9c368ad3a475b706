// Where the Iceberg metadata of a dataset lives in storage (ADR-016). Beside the project's own
// catalog, never inside it: `catalog/` stays the source of truth, `iceberg/` is derived from it and
// may be deleted and rebuilt at any time.
//   iceberg/<name>/metadata/v<N>.metadata.json     table metadata as of catalog version N
//   iceberg/<name>/metadata/snap-<N:10>.avro       manifest list of snapshot N
//   iceberg/<name>/metadata/manifest-<N:10>.avro   the manifest snapshot N wrote: its added files, or
//                                                  the live set after a removal or a merge (issue 18)

const pad = (n: number) => String(n).padStart(10, '0')

export const ICEBERG_PREFIX = 'iceberg/'

export function icebergTableKey(name: string): string {
  return `${ICEBERG_PREFIX}${name}`
}

/** v<N> unpadded: the name Iceberg tools (and icebird's time travel) expect. */
export function icebergMetadataKey(name: string, version: number): string {
  return `${icebergTableKey(name)}/metadata/v${version}.metadata.json`
}

export function icebergManifestListKey(name: string, version: number): string {
  return `${icebergTableKey(name)}/metadata/snap-${pad(version)}.avro`
}

export function icebergManifestKey(name: string, version: number): string {
  return `${icebergTableKey(name)}/metadata/manifest-${pad(version)}.avro`
}
