import { z } from 'zod'

// [vectors]: vectord's durability and search planning (DESIGN §6, §7; ADR-011).
const positiveInt = z.number().int().positive()

export const vectorsSectionSchema = z.strictObject({
  /** JSON bodies up to this size: 1000 items of d=768 as JSON numbers is ~8 MiB. */
  body_limit_bytes: positiveInt.default(32 * 1024 * 1024),
  /** Size of one LHV1 snapshot chunk; must stay below storaged's per-object cap. */
  chunk_bytes: positiveInt.default(64 * 1024 * 1024),
  /** A snapshot is taken after this many acknowledged operations (items upserted or deleted)... */
  snapshot_every_ops: positiveInt.default(50_000),
  /** ...or this long after the first operation not covered by a snapshot. */
  snapshot_every_ms: positiveInt.default(5 * 60_000),
  /**
   * vectord's SIGTERM budget, in place of server.shutdown_timeout_ms: a clean stop awaits a timed
   * snapshot already under way and then snapshots everything acknowledged since (ADR-011), which
   * for 200K x 768 is two uploads of ~650 MiB. Below the unit's TimeoutStopSec=180, so vectord
   * logs its own timeout before systemd's SIGKILL.
   */
  shutdown_timeout_ms: positiveInt.default(170_000),
  /** A filter matching at most this many items is answered by exact search over them. */
  exact_filter_max: positiveInt.default(2_048),
  /** Texts per embedd call in from-dataset jobs and text upserts. */
  embed_batch: z.number().int().min(1).max(256).default(256),
  /** Rows per WAL entry written by a from-dataset job. */
  job_batch_rows: z.number().int().min(1).max(1000).default(1000),
})
export type VectorsSection = z.infer<typeof vectorsSectionSchema>
