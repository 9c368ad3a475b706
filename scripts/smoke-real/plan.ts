// Decides what `just smoke-real` can run: reads the production settings through the daemons' own
// loader, says which ones it read, and checks that each configured service answers. Prints shell
// lines for scripts/smoke-real.sh: `read <text>`, then either `skip <one-line reason>` or `run`.
import { type Config, ConfigError, loadConfig } from '@lakehouse/shared'
import { unreachable } from '../doctor/embed-checks.ts'

const say = (kind: string, text: string): void => {
  process.stdout.write(`${kind} ${text.replace(/\n/g, ' ')}\n`)
}

async function answers(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) })
    await res.body?.cancel()
    return undefined
  } catch (err) {
    return unreachable(err)
  }
}

async function ollamaModels(host: string): Promise<string[]> {
  const res = await fetch(`${host.replace(/\/$/, '')}/api/tags`, { signal: AbortSignal.timeout(3_000) })
  const body = (await res.json()) as { models?: Array<{ name?: string }> }
  return (body.models ?? []).map((m) => m.name ?? '')
}

async function plan(config: Config): Promise<void> {
  const s3 = config.storage.s3
  const model = config.embed.models[config.embed.default_model]
  const files = `${process.env.LH_CONFIG ?? 'lakehouse.toml'} + ${process.env.LH_SECRETS ?? 'secrets.toml'} + LH_ environment`
  say(
    'read',
    `${files}: storage.backend=${config.storage.backend} storage.s3.endpoint=${s3.endpoint ?? '(AWS)'} storage.s3.bucket=${s3.bucket} ` +
      `storage.s3.access_key_id=${s3.access_key_id ? 'set' : 'unset'} embed.default_model=${config.embed.default_model}` +
      (model && model.provider !== 'hashing'
        ? ` embed.models.${config.embed.default_model}.provider=${model.provider}${model.provider === 'ollama' ? ` host=${model.host}` : ''}`
        : ''),
  )
  const usesS3 = config.storage.backend === 's3'
  const usesOllama = model?.provider === 'ollama'
  if (!usesS3 && !usesOllama) {
    return say(
      'skip',
      'the configuration names no production service (storage.backend = "fs", a built-in embedding model); see README "Production profile"',
    )
  }
  if (usesS3) {
    const endpoint = s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`
    const why = await answers(endpoint)
    if (why) return say('skip', `S3 endpoint ${endpoint} is not reachable (${why})`)
  }
  if (usesOllama && model?.provider === 'ollama') {
    const why = await answers(model.host)
    if (why) return say('skip', `Ollama at ${model.host} is not reachable (${why})`)
    const name = model.model ?? config.embed.default_model
    const have = await ollamaModels(model.host)
    if (!have.includes(name) && !have.includes(`${name}:latest`)) {
      return say('skip', `Ollama at ${model.host} has no model ${name}; run: ollama pull ${name}`)
    }
  }
  say('run', '')
}

try {
  await plan(loadConfig())
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  say('fail', `the configuration is invalid: ${err.message}`)
}
