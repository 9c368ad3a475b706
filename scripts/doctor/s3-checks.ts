import type { Config } from '@lakehouse/shared'
import { NotFound } from '@lakehouse/shared'
import { createS3Client, S3Backend } from '../../apps/storaged/src/s3-backend.ts'
import { honoursConditionalWrites } from '../../apps/storaged/src/s3-probe.ts'
import { unreachable } from './embed-checks.ts'
import { type Check, failed, ok, skipped } from './report.ts'

// With storage.backend = "s3": the endpoint answers, the bucket exists, the credentials work, and
// the endpoint refuses a second create-only PUT. The last two use storaged's own client and probe
// (ADR-002), so doctor and storaged cannot disagree about what passes.

const NAMES = ['s3-endpoint', 's3-bucket', 's3-conditional-writes'] as const

export async function checkS3(config: Config, configFile: string): Promise<Check[]> {
  if (config.storage.backend !== 's3') {
    return NAMES.map((n) => skipped(n, `storage.backend = "${config.storage.backend}"`))
  }
  const s3 = config.storage.s3
  const endpoint = s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`
  try {
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(5_000) })
    await res.body?.cancel()
  } catch (err) {
    return [
      failed(
        's3-endpoint',
        `${endpoint} does not answer (${unreachable(err)})`,
        `start the S3 server at ${endpoint} (MinIO: systemctl start minio), or correct [storage.s3] endpoint in ${configFile}`,
      ),
      skipped('s3-bucket', 'the endpoint does not answer'),
      skipped('s3-conditional-writes', 'the endpoint does not answer'),
    ]
  }
  const checks: Check[] = [ok('s3-endpoint', `${endpoint} answers`)]
  const backend = new S3Backend(createS3Client(s3), s3.bucket)
  try {
    try {
      await backend.check()
    } catch (err) {
      const message = (err as Error).message
      if (err instanceof NotFound) {
        checks.push(
          failed(
            's3-bucket',
            `bucket ${s3.bucket} does not exist at ${endpoint}`,
            `aws --endpoint-url ${endpoint} s3 mb s3://${s3.bucket}  # or start storaged once: it creates a missing bucket`,
          ),
        )
      } else {
        checks.push(
          failed(
            's3-bucket',
            `${message} with the configured credentials`,
            `set [storage.s3] access_key_id and secret_access_key in secrets.toml to a key allowed on bucket ${s3.bucket}`,
          ),
        )
      }
      checks.push(skipped('s3-conditional-writes', 'the bucket is not usable'))
      return checks
    }
    checks.push(ok('s3-bucket', `bucket ${s3.bucket} exists and the credentials can read it`))
    try {
      if (await honoursConditionalWrites(backend)) {
        checks.push(ok('s3-conditional-writes', 'a second If-None-Match: * PUT was refused (probe object removed)'))
      } else if (s3.unsafe_no_conditional) {
        checks.push(
          ok(
            's3-conditional-writes',
            'IGNORED by the endpoint; accepted only because storage.s3.unsafe_no_conditional is set (single writer only)',
          ),
        )
      } else {
        checks.push(
          failed(
            's3-conditional-writes',
            `${endpoint} ignores If-None-Match on PUT, so concurrent catalog commits would be lost; storaged refuses to start`,
            'use AWS S3 or a current MinIO; for a single-writer test setup only: LH_S3_UNSAFE_NO_CONDITIONAL=1',
          ),
        )
      }
    } catch (err) {
      checks.push(
        failed(
          's3-conditional-writes',
          `the probe write failed: ${(err as Error).message}`,
          `give the key in secrets.toml write and delete rights on bucket ${s3.bucket}`,
        ),
      )
    }
  } finally {
    await backend.close()
  }
  return checks
}
