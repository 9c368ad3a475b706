import { type Config, storageRoot } from '@lakehouse/shared'
import type { ObjectBackend } from './backend.ts'
import { FsBackend } from './fs-backend.ts'
import { createS3Client, S3Backend } from './s3-backend.ts'
import { ConditionalWritesUnsupported, ensureBucket, honoursConditionalWrites } from './s3-probe.ts'

// Opens the backend the configuration names ([storage] backend = "fs" | "s3"); for s3, refuses an
// endpoint that ignores conditional writes unless the single-writer override is set.

export interface OpenOptions {
  /** Where the loud override warning goes; stderr by default. */
  warn?: (message: string) => void
}

export async function openS3(config: Config, options: OpenOptions = {}): Promise<S3Backend> {
  const settings = config.storage.s3
  const endpoint = settings.endpoint ?? `AWS S3 (${settings.region})`
  const client = createS3Client(settings)
  const backend = new S3Backend(client, settings.bucket)
  try {
    await ensureBucket(client, settings.bucket)
    if (await honoursConditionalWrites(backend)) return backend
  } catch (err) {
    await backend.close()
    throw err
  }
  const problem =
    `the S3 endpoint ${endpoint} does not honour conditional writes (a second If-None-Match: * PUT ` +
    'overwrote the first), so concurrent catalog commits would be silently lost there'
  if (!settings.unsafe_no_conditional) {
    await backend.close()
    throw new ConditionalWritesUnsupported(
      `${problem}. Use AWS S3 or MinIO, or set LH_S3_UNSAFE_NO_CONDITIONAL=1 for a single-writer test setup.`,
    )
  }
  const warn =
    options.warn ?? ((message: string) => process.stderr.write(`\n*** storaged: WARNING: ${message} ***\n\n`))
  warn(`${problem}; running anyway because LH_S3_UNSAFE_NO_CONDITIONAL=1 (single writer only)`)
  return backend
}

export async function openBackend(config: Config, options: OpenOptions = {}): Promise<ObjectBackend> {
  if (config.storage.backend === 's3') return openS3(config, options)
  return FsBackend.open(storageRoot(config))
}
