import { createHash } from 'node:crypto'
import { type FakeAnswer, type FakeHandler, type SeenRequest, s3ErrorXml } from './fake-s3.ts'

// A stateful bucket for the scripted fake S3 (fake-s3.ts): PutObject with If-None-Match / If-Match
// enforced, GetObject with Range, HeadObject, DeleteObject, ListObjectsV2 (prefix, start-after,
// max-keys, continuation) and HeadBucket / CreateBucket, path-style. Each request is answered
// synchronously, so two conditional PUTs of one key can never both win: the rule storaged relies on.

interface Stored {
  body: Buffer
  etag: string
  lastModified: Date
}

const preconditionFailed = (): FakeAnswer => ({
  status: 412,
  body: s3ErrorXml('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
})

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function objectHeaders(stored: Stored): Record<string, string> {
  return {
    etag: stored.etag,
    'last-modified': stored.lastModified.toUTCString(),
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
  }
}

export function fakeBucket(): { handler: FakeHandler; objects: Map<string, Stored> } {
  const objects = new Map<string, Stored>()

  function put(key: string, req: SeenRequest): FakeAnswer {
    const current = objects.get(key)
    if (req.headers['if-none-match'] === '*' && current) return preconditionFailed()
    const ifMatch = req.headers['if-match']
    if (ifMatch !== undefined && current?.etag !== ifMatch) return preconditionFailed()
    const etag = `"${createHash('md5').update(req.body).digest('hex')}"`
    objects.set(key, { body: req.body, etag, lastModified: new Date() })
    return { status: 200, headers: { etag } }
  }

  function get(key: string, req: SeenRequest, isHead: boolean): FakeAnswer {
    const stored = objects.get(key)
    if (!stored)
      return { status: 404, body: isHead ? '' : s3ErrorXml('NoSuchKey', 'The specified key does not exist.') }
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''))
    if (isHead)
      return { status: 200, headers: { ...objectHeaders(stored), 'content-length': String(stored.body.length) } }
    if (!range) return { status: 200, headers: objectHeaders(stored), body: stored.body }
    const size = stored.body.length
    const start = Number(range[1])
    const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1)
    if (start >= size)
      return { status: 416, body: s3ErrorXml('InvalidRange', 'The requested range is not satisfiable') }
    return {
      status: 206,
      headers: { ...objectHeaders(stored), 'content-range': `bytes ${start}-${end}/${size}` },
      body: stored.body.subarray(start, end + 1),
    }
  }

  function list(bucket: string, query: URLSearchParams): FakeAnswer {
    const prefix = query.get('prefix') ?? ''
    const after = query.get('continuation-token') ?? query.get('start-after') ?? ''
    const maxKeys = Number(query.get('max-keys') ?? 1000)
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort()
    const page = keys.slice(0, maxKeys)
    const isTruncated = keys.length > page.length
    const contents = page
      .map((key) => {
        const s = objects.get(key) as Stored
        return `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${s.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(s.etag)}</ETag><Size>${s.body.length}</Size></Contents>`
      })
      .join('')
    const next = isTruncated ? `<NextContinuationToken>${xmlEscape(page.at(-1) as string)}</NextContinuationToken>` : ''
    return {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body:
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
        `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${isTruncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
    }
  }

  const handler: FakeHandler = (req) => {
    const [, bucket = '', ...rest] = req.path.split('/')
    const key = rest.map(decodeURIComponent).join('/')
    if (!key) {
      if (req.method === 'GET' && req.query.get('list-type') === '2') return list(bucket, req.query)
      return { status: 200 }
    }
    switch (req.method) {
      case 'PUT':
        return put(key, req)
      case 'GET':
        return get(key, req, false)
      case 'HEAD':
        return get(key, req, true)
      case 'DELETE':
        objects.delete(key)
        return { status: 204 }
      default:
        return { status: 405, body: s3ErrorXml('MethodNotAllowed', req.method) }
    }
  }
  return { handler, objects }
}
