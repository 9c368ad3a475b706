import { classifyTransport, type LakehouseError, UpstreamTimeout, UpstreamUnavailable } from '@lakehouse/shared'

// What the gateway answers when a daemon cannot be reached or does not answer in time (DESIGN §5):
// 503 upstream_unavailable or 504 upstream_timeout, naming the daemon and nothing else. Only for
// requests that got no answer at all: a daemon's own answer, errors included, passes through.
// Whether a socket error is a timeout is decided by packages/shared's transport classifier.
export function upstreamError(daemon: string, error: unknown): LakehouseError {
  const timedOut = (error as { statusCode?: number }).statusCode === 504 || classifyTransport(error) === 'timeout'
  if (timedOut) return new UpstreamTimeout(`${daemon} did not answer in time`)
  return new UpstreamUnavailable(`${daemon} is unavailable`)
}
