import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BoundaryStack, MAIN, rawStatus, startBoundaryStack, startGatewayOverYesMan } from './stack.ts'

// Rule (ADR-003): the scope a request needs is the one declared by the route it matches, so no
// spelling of a path reaches a route with a weaker check: not percent-encoded letters, not an
// absolute-form request line, neither through the gateway nor straight to the daemon. Each
// request goes over a real socket byte for byte; a write token must not delete nor vacuum.

const WRITER = 'writer-token-boundary-0123456789'
const writer = { authorization: `Bearer ${WRITER}` }

let stack: BoundaryStack
let edge: Awaited<ReturnType<typeof startGatewayOverYesMan>>
beforeAll(async () => {
  edge = await startGatewayOverYesMan([{ name: 'ingest', token: WRITER, scopes: ['write'] }])
  stack = await startBoundaryStack([{ name: 'ingest', token: WRITER, scopes: ['write'] }])
  const key = 'datasets/victim/data/01.parquet'
  const put = await stack.storage.putIfAbsent(key, 'bytes')
  await stack.catalog.commit('victim', {
    operation: 'create',
    schema: [{ name: 'id', type: 'BIGINT', nullable: false }],
    files: [{ key, rows: 1, bytes: put.size }],
  })
})
afterAll(async () => Promise.all([stack?.close(), edge?.close()]))

const BYPASSES = [
  'DELETE /v1/catalog/%64atasets/victim HTTP/1.1',
  'POST /v1/catalog/%76acuum HTTP/1.1',
  'DELETE /v1/%63atalog/datasets/victim HTTP/1.1',
  'DELETE /%761/catalog/datasets/victim HTTP/1.1',
  'DELETE /v1/catalog/datasets/%76ictim HTTP/1.1',
  'DELETE http://127.0.0.1/v1/catalog/datasets/victim HTTP/1.1',
  'DELETE http://127.0.0.1/v1/catalog/%64atasets/victim HTTP/1.1',
  'POST http://127.0.0.1/v1/catalog/vacuum HTTP/1.1',
  'DELETE /v1/catalog/datasets/victim?x=/../ HTTP/1.1',
]

describe('r-scope-encoding-bypass: a write token cannot reach an admin route by spelling its path', () => {
  for (const target of ['gateway', 'catalogd'] as const) {
    it.each(BYPASSES)(`${target}: %s is 403`, async (line) => {
      expect(await rawStatus(stack[target], line, writer)).toBe(403)
    })
  }

  // The gateway's check on its own, not backed by the daemon's: behind it a stand-in accepts anything.
  it.each(BYPASSES)('gateway edge alone: %s is 403 and never forwarded', async (line) => {
    expect(await rawStatus(edge.gateway, line, writer)).toBe(403)
    expect(edge.seen).toEqual([])
  })

  it('gateway edge alone: an unmatched path needs a valid token, then goes to the daemon', async () => {
    expect(await rawStatus(edge.gateway, 'DELETE /v1/catalog/nothing/here HTTP/1.1', {})).toBe(401)
    expect(await rawStatus(edge.gateway, 'DELETE /v1/catalog/nothing/here HTTP/1.1', writer)).toBe(200)
    expect(edge.seen.splice(0)).toEqual(['DELETE /v1/catalog/nothing/here'])
  })

  it('leaves the dataset in place', async () => {
    const manifest = await stack.catalog.getManifest('victim')
    expect(manifest).toMatchObject({ name: 'victim', version: 1 })
    expect(manifest.deleted).toBeUndefined()
  })

  it('still lets the admin token through the same spelling (the 403 is the scope, not a miss)', async () => {
    const status = await rawStatus(stack.catalogd, 'DELETE /v1/catalog/%64atasets/victim HTTP/1.1', {
      authorization: `Bearer ${MAIN}`,
    })
    expect(status).toBe(200)
  })
})
