// Where a dataset's data files live in storage (DESIGN §6, ADR-005): ingestd writes them here,
// catalogd accepts only commits that point here, and vacuum deletes only from here.
//   datasets/<name>/data/<id>.parquet
// And the one catalog key other daemons may look at: a version's commit object, create-only, so
// "does version N+1 exist" is a freshness check any reader can make against storage directly.
//   catalog/<name>/v<version:10>.json

const VERSION_DIGITS = 10

/** The commit object of `version` of dataset `name`; versions are dense from 1. */
export function manifestKey(name: string, version: number): string {
  return `catalog/${name}/v${String(version).padStart(VERSION_DIGITS, '0')}.json`
}

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

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u

/**
 * Why `key` is not a data file of dataset `name`, or undefined when it is one: under the dataset's
 * own data folder, by plain segments (no empty, `.` or `..` segment, no backslash, no controls),
 * so no spelling of a key climbs out of the folder that vacuum and the dataset's reads own.
 */
export function dataFileKeyProblem(name: string, key: string): string | undefined {
  const prefix = dataPrefix(name)
  if (!key.startsWith(prefix) || key.length === prefix.length) return `not under ${prefix}`
  if (key.includes('\\') || CONTROL_OR_FORMAT.test(key)) return 'backslash or control character'
  const segments = key.slice(prefix.length).split('/')
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'empty, "." or ".." segment'
  }
  return undefined
}
