import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { App } from '@lakehouse/shared'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { FsBackend } from '../src/fs-backend.ts'
import { createS3Client, S3Backend } from '../src/s3-backend.ts'
import { ensureBucket } from '../src/s3-probe.ts'
import { S3RVER_KEYS, type S3rverHandle, startS3rver } from './s3rver-harness.ts'

// Objects larger than one S3 part (8 MiB) through real HTTP, streamed both ways with no
// content-length: the s3 backend goes multipart, the fs backend streams to its temp file.

const MIB = 1024 * 1024
const SIZE = 20 * MIB

function* pattern(): Generator<Buffer> {
  for (let i = 0; i < SIZE / MIB; i++) yield Buffer.alloc(MIB, i)
}
const expectedSha = (() => {
  const hash = createHash('sha256')
  for (const chunk of pattern()) hash.update(chunk)
  return hash.digest('hex')
})()

let s3: S3rverHandle
beforeAll(async () => {
  s3 = await startS3rver()
})
afterAll(async () => {
  await s3?.close()
})

const targets = {
  fs: (config: ReturnType<typeof testConfig>) => FsBackend.open(`${config.paths.data_dir}/storage`),
  's3 (s3rver, multipart)': async (config: ReturnType<typeof testConfig>) => {
    const client = createS3Client({ ...config.storage.s3, endpoint: s3.endpoint, ...S3RVER_KEYS })
    client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? '')
        return next(args)
      },
      { step: 'initialize' },
    )
    await ensureBucket(client, 'large')
    return new S3Backend(client, 'large')
  },
}
/** S3 commands the s3 backend sent, to see the multipart upload happen. */
const commands: string[] = []

for (const [name, open] of Object.entries(targets)) {
  describe(`a ${SIZE / MIB} MiB object on the ${name} backend`, () => {
    let app: App
    let client: StorageClient
    let config: ReturnType<typeof testConfig>
    beforeAll(async () => {
      config = testConfig({ storage: { max_object_bytes: 64 * MIB } })
      app = await buildApp({ config, backend: await open(config) })
      const url = await app.listen({ host: '127.0.0.1', port: 0 })
      client = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: url }))
    })
    afterAll(async () => {
      await client.close()
      await app.close()
      config.cleanup()
    })

    it('streams in and out byte-identical', async () => {
      const put = await client.put('large/blob.bin', Readable.from(pattern()))
      expect(put.size).toBe(SIZE)
      if (name.startsWith('s3')) expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3)
      const { body, info } = await client.getStream('large/blob.bin')
      expect(info.size).toBe(SIZE)
      const hash = createHash('sha256')
      for await (const chunk of body) hash.update(chunk)
      expect(hash.digest('hex')).toBe(expectedSha)
      const tail = await client.getRange('large/blob.bin', SIZE - 3, SIZE - 1)
      expect([...tail]).toEqual([19, 19, 19])
    })
  })
}
