import { type LakehouseError, UpstreamTimeout, UpstreamUnavailable } from '@lakehouse/shared'

// What the gateway answers when a daemon cannot be reached or does not answer in time (DESIGN §5):
// 503 upstream_unavailable or 504 upstream_timeout, naming the daemon and nothing else. Only for
// requests that got no answer at all: a daemon's own answer, errors included, passes through.
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

export function upstreamError(daemon: string, error: unknown): LakehouseError {
  const e = error as { code?: string; cause?: { code?: string } }
  if (TIMEOUTS.has(e.code ?? '') || TIMEOUTS.has(e.cause?.code ?? '')) {
    return new UpstreamTimeout(`${daemon} did not answer in time`)
  }
  return new UpstreamUnavailable(`${daemon} is unavailable`)
}
