import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, peerUrls, ServiceClient, UpstreamUnavailable } from '@lakehouse/shared'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, describe, expect, it } from 'vitest'

// ADR-017: peers.<daemon> is one URL (as before) or a list of replicas, in the file and in LH_PEERS_*;
// a client over several replicas skips one that refuses connections and fails only when all do.

const servers: Server[] = []
const clients: ServiceClient[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    s.close()
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function replica(name: string): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ replica: name, method: req.method }))
  })
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

function configFrom(toml: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lh-replicas-config-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'lakehouse.toml'), toml)
  return loadConfig({ cwd: dir, env, configPath: join(dir, 'lakehouse.toml') })
}

function client(baseUrl: string | string[]) {
  const c = new ServiceClient({ service: 'queryd', baseUrl, timeoutMs: 5_000 })
  clients.push(c)
  return c
}

describe('peers.<daemon> takes one URL or a list', () => {
  it('keeps a single URL valid and accepts a list, in the file and in the environment', () => {
    const single = configFrom('[peers]\nqueryd = "http://10.0.0.5:3114"\n')
    expect(peerUrls(single, 'queryd')).toEqual(['http://10.0.0.5:3114'])
    const list = configFrom('[peers]\nqueryd = ["http://10.0.0.5:3114", "http://10.0.0.6:3114"]\n')
    expect(peerUrls(list, 'queryd')).toEqual(['http://10.0.0.5:3114', 'http://10.0.0.6:3114'])
    const env = configFrom('', { LH_PEERS_QUERYD: 'http://10.0.0.5:3114, http://10.0.0.6:3114' })
    expect(peerUrls(env, 'queryd')).toEqual(['http://10.0.0.5:3114', 'http://10.0.0.6:3114'])
    expect(peerUrls(configFrom('', { LH_PEERS_QUERYD: 'http://10.0.0.7:3114' }), 'queryd')).toEqual([
      'http://10.0.0.7:3114',
    ])
    expect(peerUrls(configFrom(''), 'queryd')).toEqual([`http://127.0.0.1:${single.ports.queryd}`])
    expect(() => configFrom('[peers]\nqueryd = []\n')).toThrow(/peers\.queryd/)
    expect(() => configFrom('[peers]\nvectord = ["http://10.0.0.5:3115", "http://10.0.0.6:3115"]\n')).toThrow(
      /peers\.vectord: vectord runs as one process/,
    )
  })
})

describe('a client over several replicas', () => {
  it('uses every replica, and skips one that refuses connections', async () => {
    const up = [await replica('a'), await replica('b')]
    const both = client(up)
    const seen = new Set<string>()
    for (let i = 0; i < 8; i++) seen.add((await both.json<{ replica: string }>({ method: 'GET', path: '/x' })).replica)
    expect([...seen].sort()).toEqual(['a', 'b'])

    const down = `http://127.0.0.1:${await freePort()}`
    const halfDown = client([down, up[0] as string])
    for (let i = 0; i < 10; i++) {
      const answer = await halfDown.json<{ replica: string }>({ method: 'POST', path: '/x', json: { i } })
      expect(answer.replica).toBe('a')
    }
    expect(await halfDown.health()).toContain('"replica":"a"')
  })

  it('answers 503 upstream_unavailable only when every replica is down', async () => {
    const all = client([`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`])
    await expect(all.request({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(UpstreamUnavailable)
    await expect(all.health()).rejects.toBeInstanceOf(UpstreamUnavailable)
  })
})
