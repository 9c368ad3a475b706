import { z } from 'zod'

// [gateway]: how long the gateway waits on a daemon, and how many requests one client may send.
// A forwarded request may legitimately take long (a 2 GiB ingest answers only once it is
// committed; a query may run up to query.max_timeout_ms), so upstream_timeout_ms is not the short
// daemon-to-daemon deadline of peers.timeout_ms.
export const gatewaySectionSchema = z.strictObject({
  /** Longest wait for a daemon's response headers, and for the gap between two body chunks. */
  upstream_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(15 * 60 * 1000),
  /**
   * Requests one client may send per rate_limit_window_ms (ADR-013); 0 turns the limit off. A
   * client is its bearer token (hashed), or its address when it sends none.
   */
  rate_limit_max: z.number().int().nonnegative().default(6_000),
  rate_limit_window_ms: z.number().int().positive().default(60_000),
})
