import type { Config } from '@lakehouse/shared'
import { type Check, failed, ok, skipped } from './report.ts'

// Every configured ollama / openai embedding model: its server answers and knows the model.
// The built-in hashing model needs nothing and is reported as such.

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) })
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) }
  } catch {
    return { status: res.status, body: text }
  }
}

/** Why fetch could not reach a server: the socket's error code, else undici's own reason. */
export const unreachable = (err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (err as Error).name
}

async function checkOllama(name: string, model: string, host: string): Promise<Check> {
  const check = `embed-${name}`
  let answer: { status: number; body: unknown }
  try {
    answer = await getJson(`${host.replace(/\/$/, '')}/api/tags`)
  } catch (err) {
    return failed(
      check,
      `Ollama at ${host} does not answer (${unreachable(err)})`,
      `systemctl start ollama  # or: ollama serve; then: ollama pull ${model}`,
    )
  }
  const models = (answer.body as { models?: Array<{ name?: string; model?: string }> }).models ?? []
  const names = models.flatMap((m) => [m.name, m.model]).filter((n): n is string => typeof n === 'string')
  const wanted = model.includes(':') ? [model] : [model, `${model}:latest`]
  return names.some((n) => wanted.includes(n))
    ? ok(check, `Ollama at ${host} has ${model}`)
    : failed(
        check,
        `Ollama at ${host} answers but has no model ${model} (has: ${names.join(', ') || 'none'})`,
        `ollama pull ${model}`,
      )
}

async function checkOpenAI(name: string, model: string, baseUrl: string, key: string): Promise<Check> {
  const check = `embed-${name}`
  if (!key) return failed(check, `no API key for ${name}`, `edit secrets.toml: [embed.api_keys] "${name}" = "<key>"`)
  let answer: { status: number; body: unknown }
  try {
    answer = await getJson(`${baseUrl.replace(/\/$/, '')}/models`, { authorization: `Bearer ${key}` })
  } catch (err) {
    return failed(
      check,
      `${baseUrl} does not answer (${unreachable(err)})`,
      `check [embed.models.${name}] base_url and the network path to it`,
    )
  }
  if (answer.status === 401 || answer.status === 403) {
    return failed(
      check,
      `${baseUrl} refused the API key (HTTP ${answer.status})`,
      `edit secrets.toml: [embed.api_keys] "${name}" = "<a valid key>"`,
    )
  }
  const ids = ((answer.body as { data?: Array<{ id?: string }> }).data ?? []).map((m) => m.id)
  return ids.includes(model)
    ? ok(check, `${baseUrl} accepts the key and lists ${model}`)
    : failed(
        check,
        `${baseUrl} answers (HTTP ${answer.status}) but does not list ${model}`,
        `set [embed.models.${name}] model to one of: ${ids.slice(0, 5).join(', ') || '(none listed)'}`,
      )
}

export async function checkEmbed(config: Config): Promise<Check[]> {
  const remote = Object.entries(config.embed.models).filter(([, m]) => m.provider !== 'hashing')
  if (remote.length === 0)
    return [
      skipped('embed', `no ollama or openai model configured (default ${config.embed.default_model} is built in)`),
    ]
  return Promise.all(
    remote.map(([name, m]) =>
      m.provider === 'ollama'
        ? checkOllama(name, m.model ?? name, m.host)
        : m.provider === 'openai'
          ? checkOpenAI(name, m.model ?? name, m.base_url, config.embed.api_keys[name] ?? '')
          : Promise.resolve(skipped(`embed-${name}`, 'built in')),
    ),
  )
}
