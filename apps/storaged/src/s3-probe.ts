import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3'
import { PreconditionFailed } from '@lakehouse/shared'
import type { ObjectBackend } from './backend.ts'
import { RESERVED_TOP } from './key.ts'
import { fromS3Error, isS3NotFound } from './s3-errors.ts'

// Start-up checks of an S3 endpoint. The probe writes one key twice with If-None-Match: *: a server
// that honours conditional writes refuses the second; one that silently overwrites would let the
// catalog lose commits, so storaged refuses to run there (DESIGN §6, ADR-002).

export class ConditionalWritesUnsupported extends Error {
  override name = 'ConditionalWritesUnsupported'
}

/** Creates the bucket when the endpoint answers that it does not exist (the MinIO first run). */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }))
  } catch (err) {
    if (!isS3NotFound(err)) throw fromS3Error(err, `bucket ${bucket}`)
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: unknown) => {
      throw fromS3Error(e, `create bucket ${bucket}`)
    })
  }
}

/** True when a create-only PUT of an existing key is refused. Leaves nothing behind. */
export async function honoursConditionalWrites(backend: ObjectBackend): Promise<boolean> {
  const key = `${RESERVED_TOP}/probe-${randomUUID()}`
  const write = () => backend.put(key, Readable.from([Buffer.from('probe')]), { kind: 'absent' }, 16)
  try {
    await write()
    try {
      await write()
      return false
    } catch (err) {
      if (err instanceof PreconditionFailed) return true
      throw err
    }
  } finally {
    await backend.delete(key)
  }
}
