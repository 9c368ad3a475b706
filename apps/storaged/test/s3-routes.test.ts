// Drives the shared route suite (backend-suite.ts, where the assertions live) against s3rver.
import { afterAll, beforeAll } from 'vitest'
import { openS3 } from '../src/backend-factory.ts'
import { describeBackendSuite } from './backend-suite.ts'
import { S3RVER_KEYS, type S3rverHandle, startS3rver } from './s3rver-harness.ts'

// The route suite against the s3 backend talking to s3rver. s3rver ignores conditional PUT headers,
// so the backend is opened with the single-writer override (unsafe_no_conditional) — exactly the
// case the override exists for — and the conditional tests are skipped here: they run on the s3
// backend in s3-fake-routes.test.ts, against the repo's fake S3 that enforces them.

let s3: S3rverHandle
beforeAll(async () => {
  s3 = await startS3rver()
})
afterAll(async () => {
  await s3?.close()
})

describeBackendSuite({
  name: 's3 (s3rver)',
  open: (config) => {
    Object.assign(config.storage.s3, {
      endpoint: s3.endpoint,
      bucket: 'suite',
      ...S3RVER_KEYS,
      unsafe_no_conditional: true,
    })
    return openS3(config, { warn: () => {} })
  },
  conditionalSkip: 's3rver silently overwrites on If-None-Match/If-Match; they run in s3-fake-routes.test.ts',
  paginationSkip:
    's3rver 3.7 answers 500 to any truncated ListObjectsV2 page on Node >= 17 (its continuation token uses DES, ' +
    'gone from OpenSSL 3); the StartAfter/MaxKeys mapping is tested in s3-requests.test.ts',
})
