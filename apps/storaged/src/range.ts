import { RangeNotSatisfiable } from '@lakehouse/shared'
import parseRangeHeader from 'range-parser'
import type { ByteRange, RangeSpec } from './backend.ts'

// Single byte ranges only (RFC 9110 §14). A header we do not understand (or several ranges) is
// ignored, as the RFC allows, and the whole object is served; a range past the end is 416.
// The header's syntax is range-parser's (ADR-012). storaged parses before it knows the size (an S3
// backend hands the range to S3), so the header is parsed against a size no object reaches, and
// which of the three forms it was (a-b, a-, -n) is read back from that; resolveRange then clamps
// against the real size.

const UNKNOWN_SIZE = Number.MAX_SAFE_INTEGER

/** 416 with the `Content-Range: bytes * /size` header the RFC asks for. */
export class UnsatisfiableRange extends RangeNotSatisfiable {
  override readonly headers: Record<string, string>
  constructor(size: number) {
    super(`range not satisfiable for an object of ${size} bytes`)
    this.headers = { 'content-range': `bytes */${size}` }
  }
}

export function parseRange(header: string | undefined): RangeSpec | undefined {
  if (!header) return undefined
  const parsed = parseRangeHeader(UNKNOWN_SIZE, header.trim())
  // -1 is range-parser's "no satisfiable range": "bytes=-0" is a 416 whatever the size (RFC 9110),
  // anything else it refuses (a reversed a-b) is a header we ignore.
  if (parsed === -1) return /^bytes=\s*-\s*0+$/.test(header.trim()) ? { suffix: 0 } : undefined
  if (!Array.isArray(parsed) || parsed.type !== 'bytes' || parsed.length !== 1) return undefined
  const { start, end } = parsed[0] as { start: number; end: number }
  const [first = '', last = ''] = header
    .slice(header.indexOf('=') + 1)
    .split('-')
    .map((part) => part.trim())
  if (first === '') return last === '' ? undefined : { suffix: UNKNOWN_SIZE - start }
  return last === '' ? { start } : { start, end }
}

export function resolveRange(spec: RangeSpec, size: number): ByteRange {
  if ('suffix' in spec) {
    if (spec.suffix === 0 || size === 0) throw new UnsatisfiableRange(size)
    return { start: Math.max(0, size - spec.suffix), end: size - 1 }
  }
  if (spec.start >= size) throw new UnsatisfiableRange(size)
  return { start: spec.start, end: Math.min(spec.end ?? size - 1, size - 1) }
}

export function rangeHeader(spec: RangeSpec): string {
  return 'suffix' in spec ? `bytes=-${spec.suffix}` : `bytes=${spec.start}-${spec.end ?? ''}`
}
