import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { configSchema } from '@lakehouse/shared'
import { startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openS3 } from '../src/backend-factory.ts'
import { createS3Client } from '../src/s3-backend.ts'
import { ConditionalWritesUnsupported } from '../src/s3-probe.ts'
import { type FakeS3, s3ErrorXml, startFakeS3 } from './fake-s3.ts'
import { S3RVER_KEYS, type S3rverHandle, startS3rver } from './s3rver-harness.ts'

// Rule: storaged refuses an S3 endpoint that ignores conditional writes (DESIGN §6), because the
// catalog's commits would be silently lost there; LH_S3_UNSAFE_NO_CONDITIONAL=1 lets it run, loudly.
// s3rver is exactly such an endpoint; the scripted fake plays one that honours them.

/** The s3 backend never touches the data folder, so the plain defaults do (no temp folder to leak). */
function s3Config(endpoint: string, bucket: string, unsafe = false) {
  const config = configSchema.parse({ log: { level: 'silent' } })
  Object.assign(config.storage.s3, { endpoint, bucket, ...S3RVER_KEYS, unsafe_no_conditional: unsafe })
  return config
}

describe('s3 start-up probe of conditional writes', () => {
  let s3: S3rverHandle
  let honouring: FakeS3
  beforeAll(async () => {
    s3 = await startS3rver()
    honouring = await startFakeS3((req, seen) => {
      const puts = seen.filter((r) => r.method === 'PUT' && r.path === req.path).length
      if (req.method === 'PUT' && req.headers['if-none-match'] === '*' && puts > 1) {
        return {
          status: 412,
          body: s3ErrorXml('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
        }
      }
      if (req.method === 'PUT') return { status: 200, headers: { etag: '"probe"' } }
      return { status: req.method === 'DELETE' ? 204 : 200 }
    })
  })
  afterAll(async () => {
    await s3?.close()
    await honouring?.close()
  })

  it('refuses an endpoint that overwrites on If-None-Match: *, naming it, and leaves no probe behind', async () => {
    const error = await openS3(s3Config(s3.endpoint, 'refused')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConditionalWritesUnsupported)
    expect((error as Error).message).toContain(s3.endpoint)
    expect((error as Error).message).toContain('LH_S3_UNSAFE_NO_CONDITIONAL=1')
    const client = createS3Client(s3Config(s3.endpoint, 'refused').storage.s3)
    const left = await client.send(new ListObjectsV2Command({ Bucket: 'refused' }))
    client.destroy()
    expect(left.Contents ?? []).toEqual([])
  })

  it('runs on such an endpoint with the override, after a loud warning', async () => {
    const warnings: string[] = []
    const backend = await openS3(s3Config(s3.endpoint, 'overridden', true), { warn: (m) => warnings.push(m) })
    await backend.close()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('LH_S3_UNSAFE_NO_CONDITIONAL=1')
  })

  it('accepts an endpoint that refuses the second create-only PUT, without a warning', async () => {
    const warnings: string[] = []
    const backend = await openS3(s3Config(honouring.endpoint, 'bkt'), { warn: (m) => warnings.push(m) })
    await backend.close()
    expect(warnings).toEqual([])
    const probes = honouring.seen.filter((r) => r.method === 'PUT')
    expect(probes.map((r) => r.headers['if-none-match'])).toEqual(['*', '*'])
    expect(honouring.seen.some((r) => r.method === 'DELETE' && r.path === probes[0]?.path)).toBe(true)
  })

  it('the daemon exits 2 with the reason on such an endpoint, and starts with the override', async () => {
    const env = {
      LH_STORAGE_BACKEND: 's3',
      LH_STORAGE_S3_ENDPOINT: s3.endpoint,
      LH_STORAGE_S3_BUCKET: 'daemon',
      LH_STORAGE_S3_ACCESS_KEY_ID: S3RVER_KEYS.access_key_id,
      LH_STORAGE_S3_SECRET_ACCESS_KEY: S3RVER_KEYS.secret_access_key,
    }
    const refused = await startDaemon('storaged', { env }).catch((e: unknown) => e as Error)
    expect(refused).toBeInstanceOf(Error)
    expect((refused as Error).message).toContain('exited with code 2')
    expect((refused as Error).message).toContain(`the S3 endpoint ${s3.endpoint} does not honour conditional writes`)
    const daemon = await startDaemon('storaged', { env: { ...env, LH_S3_UNSAFE_NO_CONDITIONAL: '1' } })
    try {
      expect(daemon.output()).toContain('WARNING')
      expect((await fetch(`${daemon.url}/ready`)).status).toBe(200)
    } finally {
      await daemon.stop()
    }
  })
})
