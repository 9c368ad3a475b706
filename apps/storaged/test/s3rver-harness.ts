import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'

// An S3-protocol server in this process, on a free port, in a temp folder. s3rver accepts any
// signature made with its fixed S3RVER/S3RVER keys, and IGNORES If-None-Match / If-Match on PUT.

export const S3RVER_KEYS = { access_key_id: 'S3RVER', secret_access_key: 'S3RVER' }

export interface S3rverHandle {
  endpoint: string
  close: () => Promise<void>
}

export async function startS3rver(buckets: string[] = []): Promise<S3rverHandle> {
  const directory = mkdtempSync(join(tmpdir(), 'lh-s3rver-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  })
  const { port } = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
