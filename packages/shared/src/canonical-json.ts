import { createHash } from 'node:crypto'

// Canonical JSON: object keys sorted at every depth, no whitespace, undefined members dropped. Two
// writers (or a writer and a reader years later) that hold the same value produce the same bytes,
// so a sha256 over it is a checksum of the value whatever key order it was built in: the event
// log's checksums, the observer's input hashes and the playbooks' output hashes all rest on it.

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/** `sha256:<hex>` of the value's canonical JSON. */
export function hashJson(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`
}
