// Where a dataset's data files live in storage (DESIGN §6, ADR-005): ingestd writes them here,
// catalogd accepts only commits that point here, and vacuum deletes only from here.
//   datasets/<name>/data/<id>.parquet

export const DATASETS_PREFIX = 'datasets/'

/** The only folder a dataset's manifests may point into, and the only one vacuum deletes from. */
export function dataPrefix(name: string): string {
  return `${DATASETS_PREFIX}${name}/data/`
}

/** The key of a new data file of `name`; `id` is unique (a ulid) so no two writers collide. */
export function dataFileKey(name: string, id: string): string {
  return `${dataPrefix(name)}${id}.parquet`
}

/** The dataset a data-file key belongs to, or undefined when the key is not under datasets/<name>/data/. */
export function dataFileOwner(key: string): string | undefined {
  const match = /^datasets\/([a-z][a-z0-9_]{0,62})\/data\/[^/]/.exec(key)
  return match?.[1]
}
