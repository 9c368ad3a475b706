import { Readable } from 'node:stream'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { NotFound, PayloadTooLarge, PreconditionFailed } from '@lakehouse/shared/errors.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The storage client every daemon uses, against a real storaged (fs backend, temp folder).

const CAP_BYTES = 4 * 1024 * 1024

describe('StorageClient against a real storaged', () => {
  let stack: Stack
  let client: StorageClient
  beforeAll(async () => {
    stack = await startStack({ storageOnly: true, env: { LH_STORAGE_MAX_OBJECT_BYTES: String(CAP_BYTES) } })
    client = stack.storage
  })
  afterAll(async () => {
    await stack?.stop()
  })

  it('puts and gets back the same bytes as a buffer and as a stream', async () => {
    const put = await client.put('client/a.bin', Buffer.from('hello'))
    expect(put).toMatchObject({ key: 'client/a.bin', size: 5 })
    expect((await client.getBuffer('client/a.bin')).toString()).toBe('hello')
    const { body, info } = await client.getStream('client/a.bin')
    expect(info).toMatchObject({ size: 5, etag: put.etag })
    expect(Buffer.concat(await body.toArray()).toString()).toBe('hello')
  })

  it('encodes keys segment by segment', async () => {
    const key = 'client/with space/ünï?#%.txt'
    await client.put(key, 'odd')
    expect((await client.getBuffer(key)).toString()).toBe('odd')
    expect((await client.head(key))?.key).toBe(key)
  })

  it('putIfAbsent throws PreconditionFailed when the key exists', async () => {
    await client.putIfAbsent('client/once', 'v1')
    await expect(client.putIfAbsent('client/once', 'v2')).rejects.toBeInstanceOf(PreconditionFailed)
    expect((await client.getBuffer('client/once')).toString()).toBe('v1')
  })

  it('stores an empty body (a marker object)', async () => {
    expect((await client.putIfAbsent('client/marker', '')).size).toBe(0)
    expect((await client.head('client/marker'))?.size).toBe(0)
    expect((await client.getBuffer('client/marker')).length).toBe(0)
  })

  it('putIfMatch swaps on the current etag and throws PreconditionFailed on a stale one', async () => {
    const v1 = await client.put('client/cas', 'v1')
    const v2 = await client.putIfMatch('client/cas', 'v2', v1.etag)
    await expect(client.putIfMatch('client/cas', 'v3', v1.etag)).rejects.toBeInstanceOf(PreconditionFailed)
    expect((await client.head('client/cas'))?.etag).toBe(v2.etag)
  })

  it('getRange returns the inclusive byte range', async () => {
    await client.put('client/range', '0123456789')
    expect((await client.getRange('client/range', 3, 6)).toString()).toBe('3456')
  })

  it('head answers undefined and get throws NotFound for an absent key', async () => {
    expect(await client.head('client/absent')).toBeUndefined()
    await expect(client.getBuffer('client/absent')).rejects.toBeInstanceOf(NotFound)
    await expect(client.getStream('client/absent')).rejects.toBeInstanceOf(NotFound)
  })

  it('delete is idempotent', async () => {
    await client.put('client/del', 'x')
    await client.delete('client/del')
    await client.delete('client/del')
    expect(await client.head('client/del')).toBeUndefined()
  })

  it('list iterates every page in key order', async () => {
    const keys = ['client/list/c', 'client/list/a', 'client/list/b/1', 'client/list/b/2', 'client/list/d']
    for (const key of keys) await client.put(key, key)
    const seen: string[] = []
    for await (const object of client.list('client/list/', { pageSize: 2 })) seen.push(object.key)
    expect(seen).toEqual([...keys].sort())
    const first = await client.listPage('client/list/', undefined, 2)
    expect(first.objects).toHaveLength(2)
    expect(first.next_cursor).toBe('client/list/b/1')
  })

  it('list with `after` starts past that key, which need not exist', async () => {
    const keys = ['client/after/v01', 'client/after/v02', 'client/after/v10']
    for (const key of keys) await client.put(key, key)
    const after = async (key: string) => {
      const seen: string[] = []
      for await (const object of client.list('client/after/', { after: key, pageSize: 1 })) seen.push(object.key)
      return seen
    }
    expect(await after('client/after/v01')).toEqual(['client/after/v02', 'client/after/v10'])
    expect(await after('client/after/v05')).toEqual(['client/after/v10'])
    expect(await after('client/after/v10')).toEqual([])
  })

  it('streams a multi-megabyte body without a content-length, byte-identical', async () => {
    const chunk = Buffer.alloc(256 * 1024)
    const chunks = Array.from({ length: 12 }, (_, i) => Buffer.from(chunk.fill(i)))
    const put = await client.put('client/big.bin', Readable.from(chunks))
    expect(put.size).toBe(12 * chunk.length)
    expect((await client.getBuffer('client/big.bin')).equals(Buffer.concat(chunks))).toBe(true)
  })

  it('a streamed body over the cap throws PayloadTooLarge and stores nothing', async () => {
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(256 * 1024, 1))
    await expect(client.put('client/too-big', Readable.from(chunks))).rejects.toBeInstanceOf(PayloadTooLarge)
    expect(await client.head('client/too-big')).toBeUndefined()
  })
})
