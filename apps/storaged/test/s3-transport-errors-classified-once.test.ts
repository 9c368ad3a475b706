import { UpstreamTimeout, UpstreamUnavailable } from '@lakehouse/shared'
import { describe, expect, it } from 'vitest'
import { fromS3Error } from '../src/s3-errors.ts'

// Rule (issue 10 item 2): storaged's S3 errors go through the one shared transport classifier: an
// object store that refuses, resets or cannot be resolved is 503, one that times out is 504, where
// the AWS SDK puts the code (the error, its cause) or names it (TimeoutError).

describe('S3 transport errors', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, UpstreamUnavailable],
    [{ name: 'Error', cause: { code: 'ECONNRESET' } }, UpstreamUnavailable],
    [{ code: 'ENOTFOUND' }, UpstreamUnavailable],
    [{ name: 'TimeoutError' }, UpstreamTimeout],
    [{ code: 'ETIMEDOUT' }, UpstreamTimeout],
  ])('%j is %o', (err, expected) => {
    const mapped = fromS3Error(err, 'GET k')
    expect(mapped).toBeInstanceOf(expected)
    expect(mapped.message).toMatch(/^GET k: object store/)
  })
})
