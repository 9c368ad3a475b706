import { z } from 'zod'

// [embed]: embedd's providers. The default is the built-in hashing embedder: no model, no network.
export const embedSectionSchema = z.strictObject({
  default_model: z.string().min(1).default('hashing-768'),
})
