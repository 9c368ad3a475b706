import { type ErrorIssue, InvalidRequest } from '@lakehouse/shared'
import type { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import type { Metadata, UpsertItem } from '@lakehouse/shared/contracts/vectors.ts'
import type { ItemWrite } from './vector-index.ts'

// Turning request items into what a WAL entry stores: checked (dimension, finite numbers, exactly
// one of vector and text, metadata size), texts embedded with the index's model. Every problem is
// reported at once, each naming the item's position, and nothing is written when any is found.

export const MAX_METADATA_BYTES = 4 * 1024

export function checkVector(vector: number[], dim: number, path: string, issues: ErrorIssue[]): void {
  if (vector.length !== dim) issues.push({ path, message: `expected ${dim} numbers, got ${vector.length}` })
  else if (!vector.every(Number.isFinite)) issues.push({ path, message: 'every number must be finite' })
}

function checkItem(item: UpsertItem, i: number, dim: number, issues: ErrorIssue[]): void {
  const hasVector = item.vector !== undefined
  if (hasVector === (item.text !== undefined)) {
    issues.push({ path: `items.${i}`, message: 'give exactly one of vector and text' })
  }
  if (item.vector) checkVector(item.vector, dim, `items.${i}.vector`, issues)
  if (item.metadata && Buffer.byteLength(JSON.stringify(item.metadata)) > MAX_METADATA_BYTES) {
    issues.push({ path: `items.${i}.metadata`, message: `metadata is at most ${MAX_METADATA_BYTES} bytes as JSON` })
  }
}

export interface EmbedSettings {
  embed: EmbedClient
  model: string | null
  batch: number
}

export async function embedTexts(
  texts: string[],
  dim: number,
  settings: EmbedSettings,
  kind: 'query' | 'document',
): Promise<Float32Array[]> {
  const out: Float32Array[] = []
  for (let at = 0; at < texts.length; at += settings.batch) {
    const answer = await settings.embed.embedFloat32({
      texts: texts.slice(at, at + settings.batch),
      kind,
      ...(settings.model ? { model: settings.model } : {}),
    })
    if (answer.dim !== dim) {
      throw new InvalidRequest(`model ${answer.model} embeds to ${answer.dim} dimensions; the index has ${dim}`)
    }
    out.push(...answer.vectors)
  }
  return out
}

export async function prepareItems(items: UpsertItem[], dim: number, settings: EmbedSettings): Promise<ItemWrite[]> {
  const issues: ErrorIssue[] = []
  items.forEach((item, i) => {
    checkItem(item, i, dim, issues)
  })
  if (issues.length > 0) throw new InvalidRequest('some items are invalid', { issues })
  const texts = items.flatMap((item) => (item.text !== undefined ? [item.text] : []))
  const embedded = texts.length > 0 ? await embedTexts(texts, dim, settings, 'document') : []
  let next = 0
  return items.map((item) => ({
    id: item.id,
    vector: item.vector ? Float32Array.from(item.vector) : (embedded[next++] as Float32Array),
    metadata: (item.metadata ?? {}) as Metadata,
  }))
}
