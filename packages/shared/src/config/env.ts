import { z } from 'zod'

// LH_* environment overrides, derived from the schema itself: the leaf at path a.b_c is LH_A_B_C, so
// no variable name is written twice. Values are coerced by the leaf's type. The schema is read
// through zod's public z.toJSONSchema(), not its internals, so a zod upgrade cannot silently
// change which variables exist (ADR-012).

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

/** The JSON Schema nodes the walk reads; z.toJSONSchema is zod's public view of a schema. */
interface JsonSchemaNode {
  type?: string | string[]
  properties?: Record<string, JsonSchemaNode>
  anyOf?: JsonSchemaNode[]
}

function kindOf(node: JsonSchemaNode): LeafKind {
  // A nullable leaf is `type: [T, "null"]` or `anyOf: [T, null]`: its kind is T's.
  const types = (node.anyOf ?? [node])
    .flatMap((member) => (Array.isArray(member.type) ? member.type : [member.type]))
    .filter((type) => type !== 'null')
  // "one string or a list of them" (peers.<daemon>, ADR-017) reads as a comma-separated list.
  if (types.length === 2 && types.includes('string') && types.includes('array')) return 'array'
  if (types.length !== 1) return 'other'
  switch (types[0]) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'array':
      return 'array'
    default:
      return 'other'
  }
}

function collectLeaves(node: JsonSchemaNode, path: string[], out: Map<string, Leaf>): void {
  // Tables (objects with named keys) are walked; a record (no named keys) is one JSON leaf.
  if (node.type === 'object' && node.properties) {
    for (const [key, child] of Object.entries(node.properties)) collectLeaves(child, [...path, key], out)
    return
  }
  out.set(`LH_${path.join('_').toUpperCase()}`, { path, kind: kindOf(node) })
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
  // The input side: what a variable supplies is parsed (defaults applied, pipes run) afterwards.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode
  collectLeaves(json, [], leaves)
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('LH_') || value === undefined || NOT_CONFIG.test(name)) continue
    const aliasPath = ALIASES[name]
    const leaf = aliasPath ? leaves.get(`LH_${aliasPath.join('_').toUpperCase()}`) : leaves.get(name)
    if (!leaf) throw new Error(`unknown configuration variable ${name}`)
    setPath(raw, leaf.path, coerce(name, value, leaf.kind))
  }
}
