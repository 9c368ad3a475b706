import { z } from 'zod'
import { defineRoute } from './route.ts'

// The pathway memory API (DESIGN §9 "Pathway traces", ADR-004): traces under /v1/memory/traces.
// Every call names its namespace: in the body of ADD and search, as ?namespace= everywhere else.
// A uid of another namespace answers 404 exactly as an unknown one.

/** Short enough that `pathway_<namespace>` is still a valid index name (63 characters). */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9_]{0,53}$/
export const Namespace = z.string().regex(NAMESPACE_PATTERN, 'must match ^[a-z][a-z0-9_]{0,53}$')
export const DEFAULT_NAMESPACE = 'default'

export const Uid = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, _ or -')

export const MetadataValue = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()])
export const Metadata = z
  .record(z.string().min(1).max(128), MetadataValue)
  .refine((m) => Object.keys(m).length <= 64, 'at most 64 keys')
export type Metadata = z.infer<typeof Metadata>

/** At most 32 KiB of UTF-8: what embedd embeds in one text. */
export const Content = z
  .string()
  .min(1)
  .refine((text) => Buffer.byteLength(text) <= 32 * 1024, 'at most 32 KiB of UTF-8')
export const Steps = z.array(z.json()).max(256)
export type Steps = z.infer<typeof Steps>

export const TraceStatus = z.enum(['live', 'superseded', 'retired'])
export type TraceStatus = z.infer<typeof TraceStatus>

export const Trace = z.strictObject({
  uid: Uid,
  namespace: Namespace,
  version: z.number().int().positive(),
  parent: Uid.nullable(),
  content: Content,
  steps: Steps,
  metadata: Metadata,
  status: TraceStatus,
  replay_count: z.number().int().nonnegative(),
  /** sha256 hex of the canonical JSON of {content, steps}. */
  content_hash: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  superseded_by: Uid.nullable(),
  retired_reason: z.string().nullable(),
})
export type Trace = z.infer<typeof Trace>

export const TraceEventType = z.enum(['ADD', 'UPDATE', 'REVISE', 'RETIRE', 'REPLAY', 'REPARENT'])
export type TraceEventType = z.infer<typeof TraceEventType>

/** Every mutation answers what happened: the stored event's type and seq, or NOOP and null. */
export const MutationAnswer = z.strictObject({
  event: z.enum([...TraceEventType.options, 'NOOP']),
  seq: z.number().int().positive().nullable(),
  trace: Trace,
})
export type MutationAnswer = z.infer<typeof MutationAnswer>

export const AddTraceRequest = z.strictObject({
  namespace: Namespace.default(DEFAULT_NAMESPACE),
  content: Content,
  steps: Steps.default([]),
  metadata: Metadata.default({}),
  parent: Uid.nullable().default(null),
})
export type AddTraceRequest = z.infer<typeof AddTraceRequest>

export const UpdateTraceRequest = z
  .strictObject({ content: Content.optional(), steps: Steps.optional(), metadata: Metadata.optional() })
  .refine((u) => u.content !== undefined || u.steps !== undefined || u.metadata !== undefined, {
    message: 'give at least one of content, steps, metadata',
  })
export type UpdateTraceRequest = z.infer<typeof UpdateTraceRequest>

/** Steps and metadata left out are carried over from the revised trace. */
export const ReviseTraceRequest = z.strictObject({
  content: Content,
  steps: Steps.optional(),
  metadata: Metadata.optional(),
})
export type ReviseTraceRequest = z.infer<typeof ReviseTraceRequest>

export const RetireTraceRequest = z.strictObject({ reason: z.string().min(1).max(1024) })
export const ReplayTraceRequest = z.strictObject({ replay_id: z.string().min(1).max(256) })
export const ReparentTraceRequest = z.strictObject({ parent: Uid.nullable() })

export const TraceParams = z.strictObject({ uid: Uid })
export const NamespaceQuery = z.strictObject({ namespace: Namespace.default(DEFAULT_NAMESPACE) })

export const ListTracesQuery = z.strictObject({
  namespace: Namespace.default(DEFAULT_NAMESPACE),
  status: TraceStatus.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,12}$/, 'a next_cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})
export type ListTracesQuery = z.infer<typeof ListTracesQuery>

export const ListTracesAnswer = z.strictObject({ traces: z.array(Trace), next_cursor: z.string().nullable() })
export type ListTracesAnswer = z.infer<typeof ListTracesAnswer>

export const SearchTracesRequest = z.strictObject({
  namespace: Namespace.default(DEFAULT_NAMESPACE),
  query: z
    .string()
    .min(1)
    .max(32 * 1024),
  k: z.number().int().min(1).max(100).default(10),
  /** Metadata field -> value equality, all of them. */
  filter: z.record(z.string().min(1).max(128), MetadataValue).optional(),
})
export type SearchTracesRequest = z.infer<typeof SearchTracesRequest>

export const SearchHit = z.strictObject({ uid: Uid, score: z.number(), distance: z.number(), trace: Trace })
export const SearchTracesAnswer = z.strictObject({ hits: z.array(SearchHit) })
export type SearchTracesAnswer = z.infer<typeof SearchTracesAnswer>

export const HistoryEntry = z.strictObject({
  seq: z.number().int().positive(),
  type: TraceEventType,
  at: z.string(),
  version: z.number().int().positive(),
  status: TraceStatus,
  /** What the event said beyond the new version: reason, replay_id, parent, new_uid / revised. */
  detail: z.record(z.string(), z.union([z.string(), z.null()])),
})
export type HistoryEntry = z.infer<typeof HistoryEntry>

export const TraceVersion = z.strictObject({
  version: z.number().int().positive(),
  at: z.string(),
  parent: Uid.nullable(),
  content: Content,
  steps: Steps,
  metadata: Metadata,
  content_hash: z.string(),
})
export type TraceVersion = z.infer<typeof TraceVersion>

export const HistoryAnswer = z.strictObject({
  uid: Uid,
  namespace: Namespace,
  status: TraceStatus,
  /** The end of the REVISE chain this trace is on (itself when nothing superseded it). */
  head: Uid,
  /** Parent, grandparent, ... up to the root. */
  lineage: z.array(Uid),
  versions: z.array(TraceVersion),
  events: z.array(HistoryEntry),
})
export type HistoryAnswer = z.infer<typeof HistoryAnswer>

const traceUrl = '/v1/memory/traces/:uid'

export const memoryRoutes = {
  addTrace: defineRoute({
    method: 'POST',
    url: '/v1/memory/traces',
    scope: 'write',
    summary: 'ADD a trace (201), or NOOP (200) with the live trace of the same content',
    body: AddTraceRequest,
    response: MutationAnswer,
  }),
  listTraces: defineRoute({
    method: 'GET',
    url: '/v1/memory/traces',
    scope: 'read',
    summary: "a namespace's traces in creation order, by status, a page at a time",
    querystring: ListTracesQuery,
    response: ListTracesAnswer,
  }),
  searchTraces: defineRoute({
    method: 'POST',
    url: '/v1/memory/traces/search',
    scope: 'read',
    summary: 'live heads most similar to the query, never a retired or superseded trace',
    body: SearchTracesRequest,
    response: SearchTracesAnswer,
  }),
  getTrace: defineRoute({
    method: 'GET',
    url: traceUrl,
    scope: 'read',
    summary: 'a trace as it is now, whatever its status',
    params: TraceParams,
    querystring: NamespaceQuery,
    response: Trace,
  }),
  updateTrace: defineRoute({
    method: 'PATCH',
    url: traceUrl,
    scope: 'write',
    summary: 'UPDATE: the same uid, a new version; the old one stays in history',
    params: TraceParams,
    querystring: NamespaceQuery,
    body: UpdateTraceRequest,
    response: MutationAnswer,
  }),
  reviseTrace: defineRoute({
    method: 'POST',
    url: `${traceUrl}/revise`,
    scope: 'write',
    summary: 'REVISE: a new uid whose parent is this one; this one is superseded',
    params: TraceParams,
    querystring: NamespaceQuery,
    body: ReviseTraceRequest,
    response: MutationAnswer,
  }),
  retireTrace: defineRoute({
    method: 'POST',
    url: `${traceUrl}/retire`,
    scope: 'write',
    summary: 'RETIRE: kept for history, out of every search and replay',
    params: TraceParams,
    querystring: NamespaceQuery,
    body: RetireTraceRequest,
    response: MutationAnswer,
  }),
  traceHistory: defineRoute({
    method: 'GET',
    url: `${traceUrl}/history`,
    scope: 'read',
    summary: 'every version and event of a trace, its lineage and the head of its chain',
    params: TraceParams,
    querystring: NamespaceQuery,
    response: HistoryAnswer,
  }),
  replayTrace: defineRoute({
    method: 'POST',
    url: `${traceUrl}/replay`,
    scope: 'write',
    summary: 'REPLAY: counts once per replay_id; 409 trace_not_live unless live',
    params: TraceParams,
    querystring: NamespaceQuery,
    body: ReplayTraceRequest,
    response: MutationAnswer,
  }),
  reparentTrace: defineRoute({
    method: 'POST',
    url: `${traceUrl}/reparent`,
    scope: 'write',
    summary: 'REPARENT: a new parent (or none); 409 cycle_detected if it would be its own ancestor',
    params: TraceParams,
    querystring: NamespaceQuery,
    body: ReparentTraceRequest,
    response: MutationAnswer,
  }),
} as const
