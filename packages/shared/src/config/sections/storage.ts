import { z } from 'zod'

// [storage]: storaged's backend. `fs` (default) keeps objects under a local folder; `s3` talks to
// MinIO or AWS S3. Credentials belong in secrets.toml.
export const storageSectionSchema = z.strictObject({
  backend: z.enum(['fs', 's3']).default('fs'),
  /** fs root; unset means <paths.data_dir>/storage. */
  root: z.string().min(1).optional(),
  max_object_bytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  s3: z
    .strictObject({
      endpoint: z.string().optional(),
      region: z.string().default('us-east-1'),
      bucket: z.string().default('lakehouse'),
      force_path_style: z.boolean().default(true),
      access_key_id: z.string().optional(),
      secret_access_key: z.string().optional(),
      /** LH_S3_UNSAFE_NO_CONDITIONAL=1: run on an endpoint that ignores conditional PUTs (single writer only). */
      unsafe_no_conditional: z.boolean().default(false),
    })
    .prefault({}),
})
