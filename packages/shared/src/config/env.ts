import type { z } from 'zod'

// LH_* environment overrides, derived from the schema itself: the leaf at path a.b_c is LH_A_B_C, so
// no variable name is written twice. Values are coerced by the leaf's type.

/** Short names the design promises, kept as aliases of their schema paths. */
const ALIASES: Record<string, string[]> = {
  LH_ALLOW_NONLOOPBACK: ['server', 'allow_nonloopback'],
  LH_S3_UNSAFE_NO_CONDITIONAL: ['storage', 's3', 'unsafe_no_conditional'],
  LH_TOKEN: ['auth', 'token'],
}

/** Variables that are not configuration keys: file locations and the scripts' own knobs. */
const NOT_CONFIG = /^LH_(CONFIG|SECRETS|SMOKE_.*|BENCH_.*|TEST_.*|RUN_DIR|GATEWAY_URL)$/

type LeafKind = 'string' | 'number' | 'boolean' | 'array' | 'other'
interface Leaf {
  path: string[]
  kind: LeafKind
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }
  for (;;) {
    const { type } = current.def
    if (['default', 'prefault', 'optional', 'nullable', 'catch', 'readonly'].includes(type) && current.def.innerType) {
      current = current.def.innerType as unknown as typeof current
    } else if (type === 'pipe' && current.def.in) {
      current = current.def.in as unknown as typeof current
    } else {
      return current as unknown as z.ZodType
    }
  }
}

function collectLeaves(schema: z.ZodType, path: string[], out: Map<string, Leaf>): void {
  const inner = unwrap(schema) as unknown as { def: { type: string; shape?: Record<string, z.ZodType> } }
  const type = inner.def.type
  if (type === 'object' && inner.def.shape) {
    for (const [key, child] of Object.entries(inner.def.shape)) collectLeaves(child, [...path, key], out)
    return
  }
  const kind: LeafKind =
    type === 'string' || type === 'enum'
      ? 'string'
      : type === 'number'
        ? 'number'
        : type === 'boolean'
          ? 'boolean'
          : type === 'array'
            ? 'array'
            : 'other'
  out.set(`LH_${path.join('_').toUpperCase()}`, { path, kind })
}

function coerce(name: string, raw: string, kind: LeafKind): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`${name}=${JSON.stringify(raw)} is not a number`)
      return n
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return true
      if (/^(0|false|no|off|)$/i.test(raw)) return false
      throw new Error(`${name}=${JSON.stringify(raw)} is not a boolean (use 1 or 0)`)
    case 'array':
      return raw.trim() === '' ? [] : raw.split(',').map((s) => s.trim())
    case 'other':
      try {
        return JSON.parse(raw)
      } catch {
        throw new Error(`${name} must be JSON`)
      }
    default:
      return raw
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1] as string] = value
}

/** Applies every LH_* variable onto `raw`; an LH_* name that is no key fails with its name. */
export function applyEnv(schema: z.ZodType, raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const leaves = new Map<string, Leaf>()
  collectLeaves(schema, [], leaves)
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('LH_') || value === undefined || NOT_CONFIG.test(name)) continue
    const aliasPath = ALIASES[name]
    const leaf = aliasPath ? leaves.get(`LH_${aliasPath.join('_').toUpperCase()}`) : leaves.get(name)
    if (!leaf) throw new Error(`unknown configuration variable ${name}`)
    setPath(raw, leaf.path, coerce(name, value, leaf.kind))
  }
}
