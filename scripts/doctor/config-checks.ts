import { existsSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Config, ConfigError, isLoopbackHost, loadConfig } from '@lakehouse/shared'
import { type Check, failed, ok, skipped } from './report.ts'

// The configuration as the daemons will see it, through their own loader, and the secrets file:
// present when something needs it, owner-only, and holding no value copied from the example.

export interface ConfigResult {
  checks: Check[]
  config?: Config
}

export interface Paths {
  root: string
  cwd: string
  env: NodeJS.ProcessEnv
}

const configPath = (p: Paths) => resolve(p.cwd, p.env.LH_CONFIG ?? 'lakehouse.toml')
const secretsPath = (p: Paths) => resolve(p.cwd, p.env.LH_SECRETS ?? 'secrets.toml')

/** Quoted example values of secrets.toml.example (commented or not), other than names. */
function placeholders(root: string): Set<string> {
  const values = new Set<string>()
  const text = readFileSync(resolve(root, 'secrets.toml.example'), 'utf8')
  for (const m of text.matchAll(/^\s*#?\s*("?[\w.-]+"?)\s*=\s*"([^"]+)"/gm)) {
    if (m[1] !== 'name') values.add(m[2] as string)
  }
  return values
}

function secretsFileChecks(p: Paths): Check[] {
  const path = secretsPath(p)
  if (!existsSync(path)) return []
  const checks: Check[] = []
  const st = statSync(path)
  const mode = (st.mode & 0o777).toString(8).padStart(3, '0')
  checks.push(
    (st.mode & 0o077) === 0
      ? ok('secrets-mode', `${path} mode ${mode}, owner uid ${st.uid}`)
      : failed('secrets-mode', `${path} is readable by group or others (mode ${mode})`, `chmod 600 ${path}`),
  )
  const examples = placeholders(p.root)
  let table = ''
  const copied: string[] = []
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const header = line.match(/^\s*\[+\s*([^\]]+?)\s*\]+/)
    if (header) table = header[1] as string
    const m = line.match(/^\s*("?[\w.-]+"?)\s*=\s*"([^"]*)"/)
    if (m && examples.has(m[2] as string)) copied.push(`${table ? `${table}.` : ''}${m[1]}`)
  }
  checks.push(
    copied.length === 0
      ? ok('secrets-placeholders', `no value copied from secrets.toml.example in ${path}`)
      : failed(
          'secrets-placeholders',
          `${path} still holds the example's placeholder for ${copied.join(', ')}`,
          `edit ${path} and replace ${copied.join(', ')} (a token: openssl rand -hex 32)`,
        ),
  )
  return checks
}

/** What the merged configuration needs from secrets.toml, each with the key that holds it. */
function neededSecrets(config: Config): Array<{ what: string; key: string; present: boolean }> {
  const needs: Array<{ what: string; key: string; present: boolean }> = []
  if (!isLoopbackHost(config.server.host) && !config.server.allow_nonloopback) {
    needs.push({ what: `binding ${config.server.host}`, key: '[auth] token', present: config.auth.token !== '' })
  }
  if (config.storage.backend === 's3') {
    const s3 = config.storage.s3
    needs.push({
      what: 'storage.backend = "s3"',
      key: '[storage.s3] access_key_id and secret_access_key',
      present: Boolean(s3.access_key_id && s3.secret_access_key),
    })
  }
  for (const [name, model] of Object.entries(config.embed.models)) {
    if (model.provider === 'openai') {
      needs.push({
        what: `embed model ${name}`,
        key: `[embed.api_keys] "${name}"`,
        present: Boolean(config.embed.api_keys[name]),
      })
    }
  }
  return needs
}

function fixFor(err: ConfigError, p: Paths): string {
  const chmod = err.message.match(/run: (chmod 600 \S+)/)
  if (chmod) return chmod[1] as string
  const absent = err.message.match(/^cannot read (\S+): ENOENT/)
  if (absent) return `install -m 600 ${p.root}/secrets.toml.example ${absent[1]} && $EDITOR ${absent[1]}`
  const source = err.message.match(/\(([^()]+)\)$/)?.[1]
  if (source === 'environment' || /\bLH_[A-Z0-9_]+/.test(err.message)) {
    return 'unset or correct the LH_ variable named above (env | grep ^LH_)'
  }
  const file = source?.startsWith('/') ? source : configPath(p)
  const what = err.message.replace(/ \([^()]*\)$/, '')
  return `edit ${file}: ${what} (every key is documented in ${p.root}/lakehouse.toml.example)`
}

export function checkConfig(p: Paths): ConfigResult {
  const checks = secretsFileChecks(p)
  let config: Config
  try {
    config = loadConfig({ cwd: p.cwd, env: p.env })
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    checks.unshift(failed('config', `the daemons would refuse this configuration: ${err.message}`, fixFor(err, p)))
    return { checks }
  }
  const sources = [configPath(p), secretsPath(p)].filter((f) => existsSync(f))
  checks.unshift(
    ok('config', `valid (${sources.length > 0 ? sources.join(' + ') : 'defaults only'} + LH_ environment)`),
  )
  const needs = neededSecrets(config)
  const path = secretsPath(p)
  if (needs.length === 0) {
    checks.push(skipped('secrets', 'nothing needs secrets.toml (loopback bind, fs storage, no openai model)'))
  } else {
    const absent = needs.filter((n) => !n.present)
    if (absent.length === 0) {
      checks.push(ok('secrets', `present: ${needs.map((n) => n.key).join('; ')}`))
    } else if (!existsSync(path)) {
      checks.push(
        failed(
          'secrets',
          `${absent.map((n) => `${n.what} needs ${n.key}`).join('; ')}, and ${path} does not exist`,
          `install -m 600 ${p.root}/secrets.toml.example ${path} && $EDITOR ${path}`,
        ),
      )
    } else {
      checks.push(
        failed(
          'secrets',
          absent.map((n) => `${n.what} needs ${n.key}`).join('; '),
          `edit ${path}: set ${absent.map((n) => n.key).join(', ')}`,
        ),
      )
    }
  }
  return { checks, config }
}
