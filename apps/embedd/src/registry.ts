import type { Config } from '@lakehouse/shared'
import type { EmbedModelConfig } from '@lakehouse/shared/config/sections/embed.ts'
import { createHashingProvider } from './hashing.ts'
import { EmbedModel } from './model.ts'
import { createOllamaProvider } from './ollama-provider.ts'
import { createOpenAIProvider } from './openai-provider.ts'
import type { EmbeddingProvider } from './provider.ts'

// The configured models by name (ADR-008). `hashing-768` is built in, so the embedded default needs
// no configuration; a table of the same name in [embed.models] replaces it.

export const BUILT_IN_MODELS: Readonly<Record<string, EmbedModelConfig>> = {
  'hashing-768': { provider: 'hashing', dim: 768 },
}

export class ModelConfigError extends Error {
  override name = 'ModelConfigError'
}

function createProvider(name: string, model: EmbedModelConfig, apiKeys: Record<string, string>): EmbeddingProvider {
  switch (model.provider) {
    case 'hashing':
      return createHashingProvider(model.dim)
    case 'ollama':
      return createOllamaProvider(name, model)
    case 'openai':
      return createOpenAIProvider(name, model, apiKeys[name] ?? '')
  }
}

export function createModels(section: Config['embed']): Map<string, EmbedModel> {
  const configs = { ...BUILT_IN_MODELS, ...section.models }
  if (!(section.default_model in configs)) {
    throw new ModelConfigError(
      `embed.default_model "${section.default_model}" is not a model; configured: ${Object.keys(configs).join(', ')}`,
    )
  }
  return new Map(
    Object.entries(configs).map(([name, model]) => {
      // A local CPU provider gains nothing from waiting for company; remote ones share upstream calls.
      const batching =
        model.provider === 'hashing' ? undefined : { windowMs: section.batch_window_ms, maxBatch: model.max_batch }
      return [name, new EmbedModel(name, model.dim, createProvider(name, model, section.api_keys), batching)]
    }),
  )
}
