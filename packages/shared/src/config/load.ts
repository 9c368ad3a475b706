import { readFileSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { z } from 'zod'
import { applyEnv } from './env.ts'
import { mergeLayers } from './merge.ts'
import { type Config, configSchema } from './schema.ts'

// Defaults < lakehouse.toml < secrets.toml < LH_* environment (DESIGN §10). Any problem (an unknown
// key, a wrong type, a secrets file others can read) is a ConfigError naming the key and the file:
// a daemon with a doubtful configuration does not start.

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export interface LoadConfigOptions {
  /** Directory that relative paths and the default file locations resolve against. */
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Overrides of LH_CONFIG / LH_SECRETS. */
  configPath?: string
  secretsPath?: string
}

function readToml(path: string, required: boolean): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {}
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`)
  }
  try {
    return parseToml(text) as Record<string, unknown>
  } catch (err) {
    throw new ConfigError(`${path} is not valid TOML: ${(err as Error).message}`)
  }
}

function assertPrivate(path: string): void {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch {
    return
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0')
    throw new ConfigError(`${path} is readable by group or others (mode ${octal}); run: chmod 600 ${path}`)
  }
}

function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `unknown key ${[...issue.path, key].join('.')}`).join('; ')
      }
      return `${issue.path.join('.') || '(root)'}: ${issue.message}`
    })
    .join('; ')
    .concat(` (${source})`)
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const configPath = resolve(cwd, options.configPath ?? env.LH_CONFIG ?? 'lakehouse.toml')
  const secretsPath = resolve(cwd, options.secretsPath ?? env.LH_SECRETS ?? 'secrets.toml')

  const fromFile = readToml(configPath, Boolean(options.configPath ?? env.LH_CONFIG))
  assertPrivate(secretsPath)
  const fromSecrets = readToml(secretsPath, Boolean(options.secretsPath ?? env.LH_SECRETS))

  // Each layer is checked on its own first, so an unknown key is reported against the file it is in.
  for (const [layer, source] of [
    [fromFile, configPath],
    [fromSecrets, secretsPath],
  ] as const) {
    const checked = configSchema.safeParse(layer)
    // Rules across keys (code 'custom') are judged on the merged result, where another layer may
    // hold the other half.
    const ownIssues = checked.error?.issues.filter((issue) => issue.code !== 'custom') ?? []
    if (checked.error && ownIssues.length > 0) {
      throw new ConfigError(describeIssues(new z.ZodError(ownIssues), source))
    }
  }
  const merged = mergeLayers(fromFile, fromSecrets)
  try {
    applyEnv(configSchema, merged, env)
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
  const result = configSchema.safeParse(merged)
  if (!result.success) throw new ConfigError(describeIssues(result.error, 'environment'))
  const config = result.data
  config.paths.data_dir = isAbsolute(config.paths.data_dir)
    ? config.paths.data_dir
    : resolve(cwd, config.paths.data_dir)
  return config
}

/** The fs backend's folder: storaged serves it, and queryd on the same host reads it (ADR-034). */
export function storageRoot(config: Config): string {
  return dataPath(config, config.storage.root, 'storage')
}

/** A folder under the data dir, unless the section names its own. */
export function dataPath(config: Config, explicit: string | undefined, ...fallback: string[]): string {
  return explicit ? resolve(config.paths.data_dir, explicit) : resolve(config.paths.data_dir, ...fallback)
}
