// What every embedding provider offers embedd: vectors for a batch of texts, in order, and a cheap
// check that it answers. Providers map their own failures to the shared error classes; the model
// around them (model.ts) checks counts and dimensions, so no provider is trusted on shape.

import type { EmbedKind } from '@lakehouse/shared/contracts/embed.ts'

export interface EmbeddingProvider {
  /** 'hashing' | 'ollama' | 'openai': named in errors, never with a key or a credential. */
  readonly kind: string
  embed(texts: readonly string[], kind: EmbedKind): Promise<ArrayLike<number>[]>
  /** Resolves when the provider answers (and has the model); for /ready. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** Prefixes some models were trained with, chosen by request kind (nomic-embed-text's task prefixes). */
const KNOWN_PREFIXES: ReadonlyArray<[RegExp, Record<EmbedKind, string>]> = [
  [/^nomic-embed-text(:|$)/, { query: 'search_query: ', document: 'search_document: ' }],
]

export function prefixesFor(
  model: string,
  configured: { query_prefix?: string | undefined; document_prefix?: string | undefined },
): Record<EmbedKind, string> {
  const known = KNOWN_PREFIXES.find(([pattern]) => pattern.test(model))?.[1]
  return {
    query: configured.query_prefix ?? known?.query ?? '',
    document: configured.document_prefix ?? known?.document ?? '',
  }
}
