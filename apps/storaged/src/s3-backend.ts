import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { type Config, meterStream, PreconditionFailed } from '@lakehouse/shared'
import type { ListResult, ObjectBackend, ObjectInfo, ObjectRead, PutCondition, RangeSpec } from './backend.ts'
import { compareKeys, RESERVED_TOP } from './key.ts'
import { rangeHeader, resolveRange, UnsatisfiableRange } from './range.ts'
import { fromS3Error, s3ErrorName, s3Status } from './s3-errors.ts'
import { conditionParams, parseContentRange, quoteEtag } from './s3-requests.ts'

// Objects in an S3 bucket (AWS S3 or MinIO). Uploads go through lib-storage's multipart Upload, which
// holds at most queueSize parts of partSize in memory whatever the object's size. Conditional
// writes are the server's job: openS3Backend probes that it does them (ADR-002).

export type S3Settings = Config['storage']['s3']

/** Parts of 8 MiB, two in flight: at most ~16 MiB of a body in memory per upload. */
const PART_BYTES = 8 * 1024 * 1024
const QUEUE_SIZE = 2

export function createS3Client(settings: S3Settings): S3Client {
  const hasKeys = settings.access_key_id && settings.secret_access_key
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.force_path_style,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(hasKeys
      ? {
          credentials: { accessKeyId: settings.access_key_id ?? '', secretAccessKey: settings.secret_access_key ?? '' },
        }
      : {}),
    // Default CRC32 trailers need aws-chunked uploads, which MinIO versions and fakes reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

export class S3Backend implements ObjectBackend {
  readonly kind = 's3'
  readonly #client: S3Client
  readonly #bucket: string

  constructor(client: S3Client, bucket: string) {
    this.#client = client
    this.#bucket = bucket
  }

  async put(key: string, body: Readable, condition: PutCondition, maxBytes: number): Promise<ObjectInfo> {
    const meter = meterStream(body, maxBytes)
    const upload = new Upload({
      client: this.#client,
      queueSize: QUEUE_SIZE,
      partSize: PART_BYTES,
      params: {
        Bucket: this.#bucket,
        Key: key,
        Body: meter,
        ContentType: 'application/octet-stream',
        ...conditionParams(condition),
      },
    })
    try {
      const result = await upload.done()
      return { key, size: meter.bytes, etag: quoteEtag(result.ETag), lastModified: new Date() }
    } catch (err) {
      meter.destroy()
      throw fromS3Error(err, `PUT ${key}`)
    }
  }

  async get(key: string, range?: RangeSpec): Promise<ObjectRead> {
    // A suffix range is resolved here against the current size and pinned to its etag: some
    // S3-compatible servers (s3rver among them) answer "bytes=-n" with the first n bytes.
    if (!range || !('suffix' in range)) return this.#get(key, range)
    for (let attempt = 1; ; attempt++) {
      const info = await this.head(key)
      try {
        return await this.#get(key, resolveRange(range, info.size), info.etag)
      } catch (err) {
        // Replaced between the HEAD and the GET: read the new version, a few times at most.
        if (!(err instanceof PreconditionFailed) || attempt === 3) throw err
      }
    }
  }

  async #get(key: string, range?: RangeSpec, etag?: string): Promise<ObjectRead> {
    try {
      const out = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          ...(range ? { Range: rangeHeader(range) } : {}),
          ...(etag ? { IfMatch: etag } : {}),
        }),
      )
      const served = parseContentRange(out.ContentRange)
      const size = served ? served.total : Number(out.ContentLength ?? 0)
      const info = { key, size, etag: quoteEtag(out.ETag), lastModified: out.LastModified ?? new Date(0) }
      const body = out.Body as Readable
      return { info, body, ...(range && served ? { range: { start: served.start, end: served.end } } : {}) }
    } catch (err) {
      if (s3Status(err) === 416 || s3ErrorName(err) === 'InvalidRange') {
        throw new UnsatisfiableRange((await this.head(key)).size)
      }
      throw fromS3Error(err, `GET ${key}`)
    }
  }

  async head(key: string): Promise<ObjectInfo> {
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }))
      return {
        key,
        size: Number(out.ContentLength ?? 0),
        etag: quoteEtag(out.ETag),
        lastModified: out.LastModified ?? new Date(0),
      }
    } catch (err) {
      throw fromS3Error(err, `HEAD ${key}`)
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }))
    } catch (err) {
      const mapped = fromS3Error(err, `DELETE ${key}`)
      if (mapped.status !== 404) throw mapped
    }
  }

  async list(prefix: string, cursor: string | undefined, limit: number): Promise<ListResult> {
    try {
      const out = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix,
          MaxKeys: limit,
          ...(cursor ? { StartAfter: cursor } : {}),
        }),
      )
      const contents = out.Contents ?? []
      const objects = contents
        .filter((o) => o.Key && !o.Key.startsWith(`${RESERVED_TOP}/`))
        .map((o) => ({
          key: o.Key as string,
          size: Number(o.Size ?? 0),
          etag: quoteEtag(o.ETag),
          lastModified: o.LastModified ?? new Date(0),
        }))
        // S3 already answers in UTF-8 byte order; some compatible servers (s3rver) answer in folder-walk order.
        .sort((a, b) => compareKeys(a.key, b.key))
      // The cursor is the last key S3 returned, so one page of the API is one page of S3.
      const last = contents.at(-1)?.Key
      return { objects, nextCursor: out.IsTruncated && last ? last : null }
    } catch (err) {
      throw fromS3Error(err, `LIST ${prefix}`)
    }
  }

  async check(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }))
    } catch (err) {
      throw fromS3Error(err, `bucket ${this.#bucket}`)
    }
  }

  async close(): Promise<void> {
    this.#client.destroy()
  }
}
