import { readdirSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import type { App } from '@lakehouse/shared'
import { FOLDER_ID_FILE } from '@lakehouse/shared/contracts/storage.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { ESCAPING_KEYS, UNDECODABLE_KEYS } from '@lakehouse/shared/testing/hostile-keys.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { FsBackend } from '../src/fs-backend.ts'
import { assertValidKey } from '../src/key.ts'

// Rule: no key escapes the storage root (issue 3, DESIGN §5 key rules). Raw paths go over a real
// socket, because inject() and fetch() would resolve dot segments before storaged ever saw them.

const ESCAPES = ESCAPING_KEYS
// Fastify's router refuses these before any route runs (a param it cannot decode): still 400, in the
// one error shape, and nothing written.
const REFUSED_BY_ROUTER = UNDECODABLE_KEYS

function rawPut(port: number, rawKey: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `/v1/storage/objects/${rawKey}`,
        headers: { 'content-length': 1 },
      },
      (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end('x')
  })
}

/** Every file under `dir` but storaged's folder id (ADR-034), which it writes at every start. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !path.endsWith(`/${FOLDER_ID_FILE}`))
}

describe('key rules: no key escapes the storage root', () => {
  let app: App
  let port: number
  let config: ReturnType<typeof testConfig>
  let root: string
  beforeAll(async () => {
    config = testConfig()
    // The root sits one level down, so anything written beside or above it would show in data_dir.
    root = join(config.paths.data_dir, 'jail', 'storage')
    app = await buildApp({ config, backend: await FsBackend.open(root) })
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as { port: number }).port
  })
  afterAll(async () => {
    await app.close()
    config.cleanup()
  })

  for (const [name, rawKey] of Object.entries(ESCAPES)) {
    it(`refuses ${name} with 400 invalid_key`, async () => {
      const res = await rawPut(port, rawKey)
      expect(res.status, res.body).toBe(400)
      expect(JSON.parse(res.body).error.code).toBe('invalid_key')
    })
  }

  for (const [name, rawKey] of Object.entries(REFUSED_BY_ROUTER)) {
    it(`refuses ${name} with 400`, async () => {
      expect((await rawPut(port, rawKey)).status).toBe(400)
    })
  }

  it('wrote no file anywhere after every escape attempt, and a double-encoded key stays a plain name inside', async () => {
    for (const rawKey of Object.values({ ...ESCAPES, ...REFUSED_BY_ROUTER })) await rawPut(port, rawKey)
    expect(allFiles(config.paths.data_dir)).toEqual([])
    const res = await rawPut(port, '%252e%252e/inside.txt')
    expect(res.status).toBe(201)
    expect(JSON.parse(res.body).key).toBe('%2e%2e/inside.txt')
    expect(allFiles(config.paths.data_dir)).toEqual([join(root, '%2e%2e', 'inside.txt')])
  })

  it('accepts ordinary keys at the limits', () => {
    for (const key of [
      'a',
      'a/b.c',
      '.hidden/x',
      'a..b',
      '...',
      'ünïcödé/データ',
      'x'.repeat(255),
      `${'k/'.repeat(511)}kk`,
    ]) {
      expect(assertValidKey(key)).toBe(key)
    }
  })
})
