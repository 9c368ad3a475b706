import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort, freePortBlock } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `just smoke-real`: skips in one line naming the settings it read when a configured production
// service does not answer, and runs the chain against one that does (Ollama faked at its HTTP
// boundary; storage stays on fs here, since no S3 fake on npm honours conditional writes, ADR-002).
const ROOT = resolve(import.meta.dirname, '../..')
let dir: string
let ollama: Server
let ollamaUrl: string

function ollamaConfig(host: string): string {
  return `[embed]\ndefault_model = "nomic-embed-text"\n[embed.models.nomic-embed-text]\nprovider = "ollama"\ndim = 768\nhost = "${host}"\n`
}

async function smokeReal(config: string, extra: Record<string, string> = {}) {
  const file = join(dir, `lakehouse-${Math.random().toString(36).slice(2)}.toml`)
  writeFileSync(file, config)
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LH_')) env[k] = v
  Object.assign(env, { LH_CONFIG: file, LH_SECRETS: join(dir, 'secrets.toml'), LH_LOG_LEVEL: 'warn', ...extra })
  const child = spawn('bash', ['scripts/smoke-real.sh'], { cwd: ROOT, env })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d
  })
  child.stderr.on('data', (d: Buffer) => {
    out += d
  })
  const [code] = (await once(child, 'close')) as [number | null]
  return { code, out }
}

// A lexical stand-in for a real model: each word adds 1 to a dimension picked by its hash, so texts
// that share words are near one another, which is as much meaning as the smokes' and the
// replication probes' ranking checks ask of a model; the small sine keeps every vector non-zero.
function lexicalVector(text: string): number[] {
  const vector = Array.from({ length: 768 }, (_, i) => 0.01 * Math.sin(i + 1))
  for (const word of text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)) {
    let hash = 0
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
    vector[hash % 768] = (vector[hash % 768] ?? 0) + 1
  }
  return vector
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lh-smoke-real-'))
  writeFileSync(join(dir, 'secrets.toml'), '')
  chmodSync(join(dir, 'secrets.toml'), 0o600)
  ollama = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c
    })
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      if (req.url === '/api/tags') return res.end(JSON.stringify({ models: [{ name: 'nomic-embed-text:latest' }] }))
      if (req.url === '/api/embed') {
        const { input } = JSON.parse(body) as { input: string[] }
        const embeddings = input.map(lexicalVector)
        return res.end(JSON.stringify({ model: 'nomic-embed-text', embeddings }))
      }
      res.writeHead(404).end('{}')
    })
  })
  await new Promise<void>((done) => ollama.listen(0, '127.0.0.1', done))
  ollamaUrl = `http://127.0.0.1:${(ollama.address() as { port: number }).port}`
})
afterAll(async () => {
  await new Promise((done) => ollama.close(done))
  rmSync(dir, { recursive: true, force: true })
})

describe('smoke-real', () => {
  it('skips in one line, after naming what it read, when nothing production is configured', async () => {
    const { code, out } = await smokeReal('')
    expect(code).toBe(0)
    expect(out).toMatch(/^smoke-real: read .*storage\.backend=fs .*embed\.default_model=hashing-768/m)
    expect(out).toMatch(/^smoke-real: skipped: the configuration names no production service/m)
  })

  it('skips naming the S3 endpoint that does not answer', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`
    const { code, out } = await smokeReal(`[storage]\nbackend = "s3"\n[storage.s3]\nendpoint = "${endpoint}"\n`)
    expect(code).toBe(0)
    expect(out).toContain(`storage.s3.endpoint=${endpoint}`)
    expect(out).toContain(`smoke-real: skipped: S3 endpoint ${endpoint} is not reachable (ECONNREFUSED)`)
  })

  it('runs the chain on the configured Ollama model and reports it passed', async () => {
    const { code, out } = await smokeReal(ollamaConfig(ollamaUrl), {
      LH_SMOKE_BASE_PORT: String(await freePortBlock(8)),
    })
    expect(code, out).toBe(0)
    expect(out).toMatch(/^embed\s+ok\s+\d+\s+nomic-embed-text, dim 768$/m)
    expect(out).toContain('smoke-real: all passed against the production profile')
  }, 180_000)
})
