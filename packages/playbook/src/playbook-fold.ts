import { eventKey, type Fold, FoldRejected, type StoredEvent } from '@lakehouse/pathway'
import { Playbook, type Receipt } from '@lakehouse/shared/contracts/playbooks.ts'
import { z } from 'zod'

// Playbooks as a fold over the namespace's memory event log (ADR-004's log, kind `playbook`):
// SEAL adds a playbook once and never changes it; RETIRE marks it retired, keeping every field.
// The receipt of each is the event that carried it: seq, object key, sha256.

export const PLAYBOOK_KIND = 'playbook'

export const SealData = Playbook.omit({
  status: true,
  receipt: true,
  retired_at: true,
  retired_reason: true,
  retire_receipt: true,
})
export type SealData = z.infer<typeof SealData>
export const RetireData = z.strictObject({ playbook_id: z.string(), reason: z.string() })

export interface PlaybookState {
  namespace: string
  playbooks: Map<string, Playbook>
  /** review_id → playbook_id: one review seals at most one playbook. */
  byReview: Map<string, string>
}

function receiptOf(namespace: string, event: StoredEvent): Receipt {
  return { event_seq: event.seq, key: eventKey(namespace, event.seq), sha256: event.sha256 }
}

function applySeal(state: PlaybookState, event: StoredEvent): void {
  const parsed = SealData.safeParse(event.data)
  if (!parsed.success) throw new FoldRejected('SEAL event does not match the playbook shape')
  const data = parsed.data
  if (data.namespace !== state.namespace) throw new FoldRejected('SEAL event of another namespace')
  if (state.playbooks.has(data.playbook_id)) throw new FoldRejected(`${data.playbook_id} is sealed already`)
  if (state.byReview.has(data.review_id)) throw new FoldRejected(`review ${data.review_id} sealed a playbook already`)
  const playbook: Playbook = {
    ...data,
    status: 'sealed',
    receipt: receiptOf(state.namespace, event),
    retired_at: null,
    retired_reason: null,
    retire_receipt: null,
  }
  state.playbooks.set(data.playbook_id, playbook)
  state.byReview.set(data.review_id, data.playbook_id)
}

function applyRetire(state: PlaybookState, event: StoredEvent): void {
  const parsed = RetireData.safeParse(event.data)
  if (!parsed.success) throw new FoldRejected('RETIRE event does not match its shape')
  const playbook = state.playbooks.get(parsed.data.playbook_id)
  if (!playbook) throw new FoldRejected(`RETIRE of unknown playbook ${parsed.data.playbook_id}`)
  if (playbook.status === 'retired') throw new FoldRejected(`${playbook.playbook_id} is retired already`)
  state.playbooks.set(playbook.playbook_id, {
    ...playbook,
    status: 'retired',
    retired_at: event.at,
    retired_reason: parsed.data.reason,
    retire_receipt: receiptOf(state.namespace, event),
  })
}

export const playbookFold: Fold<PlaybookState> = {
  kind: PLAYBOOK_KIND,
  initial: (namespace) => ({ namespace, playbooks: new Map(), byReview: new Map() }),
  apply(state, event) {
    if (event.type === 'SEAL') applySeal(state, event)
    else if (event.type === 'RETIRE') applyRetire(state, event)
    else throw new FoldRejected(`unknown playbook event ${event.type}`)
  },
  toJSON: (state) => ({ playbooks: [...state.playbooks.values()] }),
  fromJSON(namespace, json) {
    const playbooks = z.strictObject({ playbooks: z.array(Playbook) }).parse(json).playbooks
    return {
      namespace,
      playbooks: new Map(playbooks.map((p) => [p.playbook_id, p])),
      byReview: new Map(playbooks.map((p) => [p.review_id, p.playbook_id])),
    }
  },
}
