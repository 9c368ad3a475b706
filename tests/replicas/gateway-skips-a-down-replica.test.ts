import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../apps/gateway/src/app.ts'

// ADR-017 at the gateway: peers.<daemon> lists replicas; a request whose connection a replica
// refuses goes, body untouched, to another one; 503 upstream_unavailable only when every replica is
// down; /health/<daemon> is healthy while any replica is.

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function replica(name: string, healthStatus = 200): Promise<string> {
  const server: Server = createServer(async (req, res) => {
    if (req.url === '/health') {
      res.writeHead(healthStatus, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`ingestd ${name}`)
      return
    }
    const hash = createHash('sha256')
    for await (const chunk of req) hash.update(chunk)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ replica: name, sha256: hash.digest('hex') }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(() => {
    server.closeAllConnections()
    server.close()
  })
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

async function gateway(ingestd: string[]) {
  const config = testConfig({ peers: { ingestd } })
  const app = await buildApp({ config })
  cleanups.push(config.cleanup, () => app.close())
  return app
}

const down = async () => `http://127.0.0.1:${await freePort()}`

describe('the gateway over replicas', () => {
  it('sends a request with a body, whole, to the replica that is up when another refuses', async () => {
    const app = await gateway([await down(), await replica('a'), await down()])
    const body = Buffer.alloc(256 * 1024, 'x')
    const sha256 = createHash('sha256').update(body).digest('hex')
    for (let i = 0; i < 12; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/ingest/datasets/d/append',
        headers: { 'content-type': 'application/octet-stream' },
        payload: body,
      })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ replica: 'a', sha256 })
    }
  })

  it('answers 503 upstream_unavailable only when every replica is down', async () => {
    const app = await gateway([await down(), await down()])
    const res = await app.inject({ method: 'POST', url: '/v1/ingest/datasets/d/append', payload: 'id\n1\n' })
    expect(res.statusCode).toBe(503)
    expect(res.json().error.code).toBe('upstream_unavailable')
    const health = await app.inject({ method: 'GET', url: '/health/ingestd' })
    expect(health.statusCode).toBe(503)
  })

  it('calls a daemon healthy while any replica is, and says which one answered', async () => {
    const app = await gateway([await down(), await replica('sick', 503), await replica('b')])
    const res = await app.inject({ method: 'GET', url: '/health/ingestd' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('ingestd b')
    const sickOnly = await gateway([await down(), await replica('sick', 503)])
    const sick = await sickOnly.inject({ method: 'GET', url: '/health/ingestd' })
    expect(sick.statusCode).toBe(503)
    expect(sick.body).toBe('ingestd sick')
  })
})
