// Drives the shared route suite (backend-suite.ts, where the assertions live) against the repo's
// own fake S3 with a stateful bucket that enforces If-None-Match / If-Match, so the conditional-
// write tests run on the s3 backend with no override, as they would against AWS or MinIO.
import { afterAll, beforeAll } from 'vitest'
import { openS3 } from '../src/backend-factory.ts'
import { describeBackendSuite } from './backend-suite.ts'
import { type FakeS3, startFakeS3 } from './fake-s3.ts'
import { fakeBucket } from './fake-s3-bucket.ts'

let s3: FakeS3
beforeAll(async () => {
  s3 = await startFakeS3(fakeBucket().handler)
})
afterAll(async () => {
  await s3?.close()
})

describeBackendSuite({
  name: 's3 (fake S3 enforcing conditional writes)',
  open: (config) => {
    Object.assign(config.storage.s3, {
      endpoint: s3.endpoint,
      bucket: 'suite',
      access_key_id: 'AKIAFAKEFAKEFAKE',
      secret_access_key: 'fake-secret-key-material',
      unsafe_no_conditional: false,
    })
    return openS3(config, { warn: () => {} })
  },
})
