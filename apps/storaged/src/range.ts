import { RangeNotSatisfiable } from '@lakehouse/shared'
import type { ByteRange, RangeSpec } from './backend.ts'

// Single byte ranges only (RFC 9110 §14). A header we do not understand is ignored, as the RFC
// allows, and the whole object is served; a range that starts past the end is 416.

/** 416 with the `Content-Range: bytes * /size` header the RFC asks for. */
export class UnsatisfiableRange extends RangeNotSatisfiable {
  override readonly headers: Record<string, string>
  constructor(size: number) {
    super(`range not satisfiable for an object of ${size} bytes`)
    this.headers = { 'content-range': `bytes */${size}` }
  }
}

export function parseRange(header: string | undefined): RangeSpec | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!match) return undefined
  const [, first, last] = match as unknown as [string, string, string]
  if (first === '' && last === '') return undefined
  if (first === '') return { suffix: Number(last) }
  if (last !== '' && Number(last) < Number(first)) return undefined
  return last === '' ? { start: Number(first) } : { start: Number(first), end: Number(last) }
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
