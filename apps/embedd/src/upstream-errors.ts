import {
  classifyTransport,
  type LakehouseError,
  ProviderError,
  redactCreds,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '@lakehouse/shared'

// How a remote provider's failure reaches the caller: down or overloaded (connection errors, 429,
// 5xx after the client's own retries) is 503 upstream_unavailable; no answer in time is 504
// upstream_timeout; an answer that is wrong (4xx, bad shape, wrong dimension) is 502 provider_error.
// Messages name the provider and the model, never a key: a key is cut out of any upstream text.

const MAX_UPSTREAM_MESSAGE = 200

export interface UpstreamLabel {
  provider: string
  model: string
  /** A secret that must never appear in a message. */
  secret?: string
}

const describe = (label: UpstreamLabel) => `${label.provider} (model ${label.model})`

export function redact(text: string, secret: string | undefined): string {
  const cut = redactCreds(text, [secret])
  return cut.length > MAX_UPSTREAM_MESSAGE ? `${cut.slice(0, MAX_UPSTREAM_MESSAGE)}…` : cut
}

export function unavailable(label: UpstreamLabel, why: string): LakehouseError {
  return new UpstreamUnavailable(`${describe(label)} is unavailable: ${redact(why, label.secret)}`)
}

export function timedOut(label: UpstreamLabel, timeoutMs: number): LakehouseError {
  return new UpstreamTimeout(`${describe(label)} did not answer within ${timeoutMs} ms`)
}

export function badAnswer(label: UpstreamLabel, why: string): LakehouseError {
  return new ProviderError(`${describe(label)} gave a bad answer: ${redact(why, label.secret)}`)
}

/** An HTTP status from the provider, after its client gave up retrying. */
export function statusFailure(label: UpstreamLabel, status: number, message: string): LakehouseError {
  if (status === 429 || status >= 500) return unavailable(label, `HTTP ${status}`)
  // Credentials errors may echo part of the key: say what happened, not what they said.
  if (status === 401 || status === 403) return badAnswer(label, `HTTP ${status} (check the key in secrets.toml)`)
  return badAnswer(label, `HTTP ${status}: ${message}`)
}

/** A transport error from fetch (undici): its code sits on the cause. */
export function transportFailure(label: UpstreamLabel, err: unknown, timeoutMs: number): LakehouseError {
  const kind = classifyTransport(err)
  if (kind === 'timeout') return timedOut(label, timeoutMs)
  return unavailable(label, kind ?? 'connection failed')
}
