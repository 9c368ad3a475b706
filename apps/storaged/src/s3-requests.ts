import type { PutCondition } from './backend.ts'

// How storaged's conditions become S3 request parameters. Kept apart and pure so the mapping is
// unit-tested: no S3 fake on npm honours these headers, so a wrong mapping would pass silently.

export function conditionParams(condition: PutCondition): { IfNoneMatch?: string; IfMatch?: string } {
  if (condition.kind === 'absent') return { IfNoneMatch: '*' }
  if (condition.kind === 'match') return { IfMatch: condition.etag }
  return {}
}

/** `bytes s-e/total` of a 206 answer. */
export function parseContentRange(
  header: string | undefined,
): { start: number; end: number; total: number } | undefined {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header) : null
  if (!match) return undefined
  return { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) }
}

/** ETags are quoted on the wire; some servers drop the quotes. */
export function quoteEtag(etag: string | undefined): string {
  if (!etag) return '""'
  return etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`
}
