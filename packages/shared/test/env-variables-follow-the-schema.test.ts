import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { applyEnv } from '../src/config/env.ts'
import { configSchema } from '../src/config/schema.ts'

// Rule: every configuration key has exactly one LH_* variable, named after its path and coerced by
// its type, read from zod's public view of the schema: tables are walked, optional and nullable
// leaves keep their type, a record (no named keys) is one JSON variable.

const apply = (schema: z.ZodType, env: Record<string, string>) => {
  const raw: Record<string, unknown> = {}
  applyEnv(schema, raw, env)
  return raw
}

describe('LH_* variables follow the schema', () => {
  it('coerces by the leaf type: number, boolean, list, enum, JSON record', () => {
    const raw = apply(configSchema, {
      LH_PORTS_QUERYD: '4114',
      LH_STORAGE_S3_FORCE_PATH_STYLE: '0',
      LH_AUTH_ALLOW_IPS: '10.0.0.1, 10.0.0.2',
      LH_QUERY_ACCESS_MODE: 'httpfs',
      LH_EMBED_MODELS: '{"m":{"provider":"hashing","dim":8}}',
    })
    expect(raw).toEqual({
      ports: { queryd: 4114 },
      storage: { s3: { force_path_style: false } },
      auth: { allow_ips: ['10.0.0.1', '10.0.0.2'] },
      query: { access_mode: 'httpfs' },
      embed: { models: { m: { provider: 'hashing', dim: 8 } } },
    })
  })

  it('reads through optional, nullable, defaulted and piped leaves', () => {
    const schema = z.strictObject({
      a: z.strictObject({ n: z.number().optional(), b: z.boolean().nullable(), s: z.string().default('x') }).optional(),
      p: z.string().pipe(z.coerce.number()),
    })
    expect(apply(schema, { LH_A_N: '3', LH_A_B: '1', LH_A_S: 'y', LH_P: '7' })).toEqual({
      a: { n: 3, b: true, s: 'y' },
      p: '7',
    })
  })

  it('knows no variable for a path that is not a key', () => {
    expect(() => apply(configSchema, { LH_PORTS: '1' })).toThrow(/unknown configuration variable LH_PORTS/)
  })
})
