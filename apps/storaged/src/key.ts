import { InvalidKey } from '@lakehouse/shared'

// The one place that decides whether a key is acceptable (DESIGN §5). Every backend relies on it:
// a key that passes is a relative, normalized path of ordinary segments, so it can never name
// anything outside the storage root, whatever decoding or Unicode normalization happens later.

export const MAX_KEY_BYTES = 1024
/** One path segment becomes one file name on the fs backend; 255 bytes is the Linux NAME_MAX. */
export const MAX_SEGMENT_BYTES = 255
/** storaged's own scratch space (temp files, the S3 probe); no client key may start there. */
export const RESERVED_TOP = '.lh-tmp'

const OBJECTS_PATH = '/v1/storage/objects/'
// C0, DEL, C1 controls, and Unicode format characters (bidi overrides, zero-width joiners): they
// make two different keys print the same, which hides one object behind another in a listing.
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u

function reject(key: string, why: string): never {
  throw new InvalidKey(`invalid key ${JSON.stringify(key.slice(0, 120))}: ${why}`)
}

function assertSegment(key: string, segment: string): void {
  if (segment === '') reject(key, 'empty segment (leading, trailing or double /)')
  if (segment === '.' || segment === '..') reject(key, '"." and ".." segments are not allowed')
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) reject(key, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`)
  // Look-alikes (fullwidth full stop, one-dot leader, fullwidth solidus ...) that some layer could
  // normalize into a dot segment or a separator.
  const folded = segment.normalize('NFKC')
  if (folded === '.' || folded === '..' || /[/\\]/.test(folded))
    reject(key, 'a segment imitates "." , ".." or a separator')
}

/** Throws InvalidKey unless `key` obeys every key rule; returns it unchanged. */
export function assertValidKey(key: string): string {
  if (key.length === 0) reject(key, 'empty')
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) reject(key, `longer than ${MAX_KEY_BYTES} bytes`)
  if (key.includes('\\')) reject(key, 'backslash')
  if (CONTROL_OR_FORMAT.test(key)) reject(key, 'control or format character')
  const segments = key.split('/')
  for (const segment of segments) assertSegment(key, segment)
  if (segments[0] === RESERVED_TOP) reject(key, `${RESERVED_TOP}/ is reserved for storaged`)
  return key
}

/** A list prefix: empty, or the start of some valid key (its last segment may be partial). */
export function assertValidPrefix(prefix: string): string {
  if (prefix === '') return prefix
  if (Buffer.byteLength(prefix) > MAX_KEY_BYTES) reject(prefix, `longer than ${MAX_KEY_BYTES} bytes`)
  if (prefix.includes('\\') || CONTROL_OR_FORMAT.test(prefix)) reject(prefix, 'backslash or control character')
  const segments = prefix.split('/')
  const last = segments.pop() as string
  for (const segment of segments) assertSegment(prefix, segment)
  if (last !== '' && !'..'.startsWith(last)) assertSegment(prefix, last)
  return prefix
}

/**
 * The key named by a request URL: the raw path after /v1/storage/objects/, percent-decoded exactly
 * once (so %2e%2e is "..", %2f is "/", and both are then judged by the rules above).
 */
export function keyFromUrl(url: string): string {
  const path = url.split('?', 1)[0] ?? ''
  const raw = path.startsWith(OBJECTS_PATH) ? path.slice(OBJECTS_PATH.length) : ''
  let key: string
  try {
    key = decodeURIComponent(raw)
  } catch {
    reject(raw, 'malformed percent-encoding or invalid UTF-8')
  }
  return assertValidKey(key)
}

/** Byte order of UTF-8, which is the order S3 lists in; JS string order differs above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
