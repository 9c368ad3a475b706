import { z } from 'zod'

// [memory]: observerd's pathway memory (ADR-004): the event log's snapshots and append races, and
// the embedding model its search uses.
export const memorySectionSchema = z.strictObject({
  /** Snapshot a namespace's fold every this many events, so a start-up does not replay them all. */
  snapshot_every: z.number().int().positive().default(100),
  /** Lost create-only races a mutation re-decides before it gives up. */
  max_append_attempts: z.number().int().positive().default(64),
  /** embedd model for traces and search queries; unset = embedd's default_model. */
  embed_model: z.string().min(1).optional(),
})
