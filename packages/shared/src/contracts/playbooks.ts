import { z } from 'zod'
import { DEFAULT_NAMESPACE, Namespace, Steps } from './memory.ts'
import { defineRoute } from './route.ts'

// The playbook API (DESIGN §9 "Playbooks", ADR-015): a task and the steps that solved it, sealed
// only on an accepted, non-degraded review, stored as an event of the namespace's memory log
// (ADR-004) and found again by task similarity. Sealed playbooks never change; retire hides one
// from search and keeps it for history.

export const PlaybookId = z.string().regex(/^pb_[0-9a-f]{32}$/, 'a playbook id (pb_ and 32 hex digits)')

export const Task = z.string().trim().min(1).max(4096)
export const Tag = z.string().min(1).max(64)

export const SealPlaybookRequest = z.strictObject({
  task: Task,
  steps: Steps.min(1),
  review_id: z.string().min(1).max(128),
  outputs: z.json().optional(),
  tags: z.array(Tag).max(32).optional(),
  namespace: Namespace.default(DEFAULT_NAMESPACE),
})
export type SealPlaybookRequest = z.infer<typeof SealPlaybookRequest>

/** Where the memory mutation landed: the event's seq, its object key, and its sha256. */
export const Receipt = z.strictObject({ event_seq: z.number().int().positive(), key: z.string(), sha256: z.string() })
export type Receipt = z.infer<typeof Receipt>

export const PlaybookStatus = z.enum(['sealed', 'retired'])

export const Playbook = z.strictObject({
  playbook_id: PlaybookId,
  namespace: Namespace,
  task: Task,
  steps: Steps,
  outputs: z.json(),
  tags: z.array(Tag),
  review_id: z.string(),
  verdict: z.literal('accept'),
  /** sha256 of {task, steps, review input_hash}: the same work on the same evidence hashes the same. */
  input_hash: z.string(),
  /** sha256 of {outputs}. */
  output_hash: z.string(),
  status: PlaybookStatus,
  sealed_at: z.string(),
  receipt: Receipt,
  retired_at: z.string().nullable(),
  retired_reason: z.string().nullable(),
  retire_receipt: Receipt.nullable(),
})
export type Playbook = z.infer<typeof Playbook>

export const SealAnswer = Playbook.pick({
  playbook_id: true,
  input_hash: true,
  output_hash: true,
  verdict: true,
  receipt: true,
})
export type SealAnswer = z.infer<typeof SealAnswer>

export const SearchPlaybooksRequest = z.strictObject({
  task: Task,
  k: z.number().int().min(1).max(100).default(5),
  namespace: Namespace.default(DEFAULT_NAMESPACE),
})
export type SearchPlaybooksRequest = z.infer<typeof SearchPlaybooksRequest>

export const PlaybookHit = z.strictObject({
  playbook_id: PlaybookId,
  task: Task,
  score: z.number(),
  review_id: z.string(),
  sealed_at: z.string(),
})
export const SearchPlaybooksAnswer = z.strictObject({ hits: z.array(PlaybookHit) })
export type SearchPlaybooksAnswer = z.infer<typeof SearchPlaybooksAnswer>

export const RetirePlaybookRequest = z.strictObject({ reason: z.string().min(1).max(1024) })
export const PlaybookParams = z.strictObject({ id: z.string().min(1).max(128) })
export const PlaybookNamespaceQuery = z.strictObject({ namespace: Namespace.default(DEFAULT_NAMESPACE) })

const playbookUrl = '/v1/memory/playbooks/:id'

export const playbookRoutes = {
  seal: defineRoute({
    method: 'POST',
    url: '/v1/memory/playbooks',
    scope: 'write',
    summary: 'seal a playbook on an accepted, non-degraded review',
    body: SealPlaybookRequest,
    response: SealAnswer,
  }),
  search: defineRoute({
    method: 'POST',
    url: '/v1/memory/playbooks/search',
    scope: 'read',
    summary: 'sealed playbooks by task similarity, best first; retired ones never',
    body: SearchPlaybooksRequest,
    response: SearchPlaybooksAnswer,
  }),
  get: defineRoute({
    method: 'GET',
    url: playbookUrl,
    scope: 'read',
    summary: 'a playbook, sealed or retired',
    params: PlaybookParams,
    querystring: PlaybookNamespaceQuery,
    response: Playbook,
  }),
  retire: defineRoute({
    method: 'POST',
    url: `${playbookUrl}/retire`,
    scope: 'write',
    summary: 'retire a playbook: excluded from search from then on, kept for history',
    params: PlaybookParams,
    querystring: PlaybookNamespaceQuery,
    body: RetirePlaybookRequest,
    response: Playbook,
  }),
} as const
