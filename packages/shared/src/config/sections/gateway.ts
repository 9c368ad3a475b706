import { z } from 'zod'

// [gateway]: how long the gateway waits on a daemon. A forwarded request may legitimately take
// long (a 2 GiB ingest answers only once it is committed; a query may run up to
// query.max_timeout_ms), so this is not the short daemon-to-daemon deadline of peers.timeout_ms.
export const gatewaySectionSchema = z.strictObject({
  /** Longest wait for a daemon's response headers, and for the gap between two body chunks. */
  upstream_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(15 * 60 * 1000),
})
