import { Readable } from 'node:stream'
import { configSchema, PreconditionFailed, UpstreamUnavailable } from '@lakehouse/shared'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createS3Client, S3Backend } from '../src/s3-backend.ts'
import { conditionParams } from '../src/s3-requests.ts'
import { type FakeS3, s3ErrorXml, startFakeS3 } from './fake-s3.ts'

// Rule: storaged's conditions and cursors reach S3 as the headers and parameters S3 defines, and
// S3's answers come back as storaged's typed errors. No S3 fake on npm honours If-None-Match or
// If-Match, so the request mapping is pinned here against a scripted endpoint.

const KEYS = { access_key_id: 'AKIAFAKEFAKEFAKE', secret_access_key: 'very-secret-key-material' }
const MAX = 1024 * 1024
const body = (text: string) => Readable.from([Buffer.from(text)])

describe('s3 request mapping', () => {
  let fake: FakeS3
  let backend: S3Backend
  beforeAll(async () => {
    fake = await startFakeS3()
    const { storage } = configSchema.parse({})
    backend = new S3Backend(createS3Client({ ...storage.s3, endpoint: fake.endpoint, ...KEYS }), 'bkt')
  })
  afterEach(() => {
    fake.seen.length = 0
  })
  afterAll(async () => {
    await backend.close()
    await fake.close()
  })

  it('maps conditions to S3 parameters', () => {
    expect(conditionParams({ kind: 'none' })).toEqual({})
    expect(conditionParams({ kind: 'absent' })).toEqual({ IfNoneMatch: '*' })
    expect(conditionParams({ kind: 'match', etag: '"abc"' })).toEqual({ IfMatch: '"abc"' })
  })

  it('a create-only put sends If-None-Match: * and a 412 answer is PreconditionFailed', async () => {
    fake.handle(() => ({
      status: 412,
      body: s3ErrorXml('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
    }))
    await expect(backend.put('k/x', body('v'), { kind: 'absent' }, MAX)).rejects.toBeInstanceOf(PreconditionFailed)
    expect(fake.seen[0]?.method).toBe('PUT')
    expect(fake.seen[0]?.path).toBe('/bkt/k/x')
    expect(fake.seen[0]?.headers['if-none-match']).toBe('*')
    expect(fake.seen[0]?.headers['if-match']).toBeUndefined()
  })

  it('a compare-and-swap put sends If-Match and returns the quoted etag S3 answers', async () => {
    fake.handle(() => ({ status: 200, headers: { etag: '"new-etag"' } }))
    const info = await backend.put('k/y', body('v2'), { kind: 'match', etag: '"old-etag"' }, MAX)
    expect(fake.seen[0]?.headers['if-match']).toBe('"old-etag"')
    expect(fake.seen[0]?.headers['if-none-match']).toBeUndefined()
    expect(fake.seen[0]?.body.toString()).toBe('v2')
    expect(info).toMatchObject({ key: 'k/y', etag: '"new-etag"', size: 2 })
  })

  it('409 ConditionalRequestConflict (AWS lost a conditional race) is PreconditionFailed too', async () => {
    fake.handle(() => ({
      status: 409,
      body: s3ErrorXml('ConditionalRequestConflict', 'A conflicting operation occurred'),
    }))
    await expect(backend.put('k/z', body('v'), { kind: 'absent' }, MAX)).rejects.toBeInstanceOf(PreconditionFailed)
  })

  it('a plain put sends neither condition header', async () => {
    fake.handle(() => ({ status: 200, headers: { etag: '"e"' } }))
    await backend.put('k/plain', body('v'), { kind: 'none' }, MAX)
    expect(fake.seen[0]?.headers['if-none-match']).toBeUndefined()
    expect(fake.seen[0]?.headers['if-match']).toBeUndefined()
  })

  it('a list page asks ListObjectsV2 with StartAfter = cursor and answers the last key as next_cursor', async () => {
    fake.handle(() => ({
      status: 200,
      body:
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Name>bkt</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>' +
        '<Contents><Key>p/b</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e1"</ETag><Size>3</Size></Contents>' +
        '<Contents><Key>p/c</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e2"</ETag><Size>4</Size></Contents>' +
        '<NextContinuationToken>opaque</NextContinuationToken></ListBucketResult>',
    }))
    const page = await backend.list('p/', 'p/a', 2)
    const query = fake.seen[0]?.query
    expect(query?.get('list-type')).toBe('2')
    expect(query?.get('prefix')).toBe('p/')
    expect(query?.get('start-after')).toBe('p/a')
    expect(query?.get('max-keys')).toBe('2')
    expect(page.objects.map((o) => [o.key, o.size, o.etag])).toEqual([
      ['p/b', 3, '"e1"'],
      ['p/c', 4, '"e2"'],
    ])
    expect(page.nextCursor).toBe('p/c')
  })

  it('a range read sends the Range header and reports the served range', async () => {
    fake.handle(() => ({
      status: 206,
      headers: { 'content-range': 'bytes 2-4/10', etag: '"e"', 'last-modified': 'Wed, 01 Jan 2026 00:00:00 GMT' },
      body: '234',
    }))
    const read = await backend.get('k/r', { start: 2, end: 4 })
    expect(fake.seen[0]?.headers.range).toBe('bytes=2-4')
    expect(read.range).toEqual({ start: 2, end: 4 })
    expect(read.info.size).toBe(10)
    expect(Buffer.concat(await read.body.toArray()).toString()).toBe('234')
  })

  it('an S3 error never carries the credentials into storaged errors', async () => {
    fake.handle(() => ({
      status: 403,
      body: s3ErrorXml(
        'InvalidAccessKeyId',
        `The key ${KEYS.access_key_id} is unknown`,
        `<AWSAccessKeyId>${KEYS.access_key_id}</AWSAccessKeyId>`,
      ),
    }))
    const err = await backend.head('k/secret').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpstreamUnavailable)
    const text = `${(err as Error).message} ${JSON.stringify(err)} ${(err as Error).stack}`
    expect(text).not.toContain(KEYS.access_key_id)
    expect(text).not.toContain(KEYS.secret_access_key)
    expect((err as Error).cause).toBeUndefined()
  })
})
