import { z } from 'zod'

// [ingest]: ingestd's upload cap and temp folder.
export const ingestSectionSchema = z.strictObject({
  max_upload_bytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024 * 1024),
  /** Temp folder for uploads and conversions; unset means <paths.data_dir>/tmp/ingest. */
  tmp_dir: z.string().min(1).optional(),
})
