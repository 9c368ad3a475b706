import { type LakehouseError, UpstreamTimeout, UpstreamUnavailable } from '@lakehouse/shared'

// What the gateway answers when a daemon cannot be reached or does not answer in time (DESIGN §5):
// 503 upstream_unavailable or 504 upstream_timeout, naming the daemon and nothing else.
export function upstreamError(daemon: string, error: unknown): LakehouseError {
  const e = error as { statusCode?: number; code?: string; cause?: { code?: string } }
  if (
    e.statusCode === 504 ||
    e.code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT' ||
    e.cause?.code === 'UND_ERR_HEADERS_TIMEOUT'
  ) {
    return new UpstreamTimeout(`${daemon} did not answer in time`)
  }
  return new UpstreamUnavailable(`${daemon} is unavailable`)
}
