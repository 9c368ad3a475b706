import { createServer, type Server } from 'node:http'
import { freePort } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type FakeS3, s3ErrorXml, startFakeS3 } from '../../apps/storaged/test/fake-s3.ts'
import { checkOf, doctor, type Host, host } from './doctor-host.ts'

// `just doctor` against the services outside the machine, faked at their HTTP boundary: an S3
// endpoint (storaged's scripted fake) and an Ollama server. The probe code is storaged's own.
let hosts: Host[] = []
afterEach(() => {
  for (const h of hosts) h.cleanup()
  hosts = []
})

async function s3Host(endpoint: string): Promise<Host> {
  const h = await host(`[storage]\nbackend = "s3"\n[storage.s3]\nendpoint = "${endpoint}"\nbucket = "lake"\n`)
  hosts.push(h)
  h.env.LH_STORAGE_S3_ACCESS_KEY_ID = 'doctor-key'
  h.env.LH_STORAGE_S3_SECRET_ACCESS_KEY = 'doctor-secret'
  return h
}

/** An S3 endpoint as AWS and MinIO behave: a create-only PUT of an existing key is refused. */
function honouring(bucketStatus = 200) {
  return (req: FakeS3['seen'][number], seen: FakeS3['seen']) => {
    if (req.method === 'HEAD' && req.path.replace(/\/$/, '') === '/lake') return { status: bucketStatus }
    const puts = seen.filter((r) => r.method === 'PUT' && r.path === req.path).length
    if (req.method === 'PUT' && req.headers['if-none-match'] === '*' && puts > 1) {
      return { status: 412, body: s3ErrorXml('PreconditionFailed', 'At least one of the pre-conditions did not hold') }
    }
    if (req.method === 'PUT') return { status: 200, headers: { etag: '"probe"' } }
    return { status: req.method === 'DELETE' ? 204 : 200 }
  }
}

describe('doctor: s3 backend', () => {
  let s3: FakeS3
  beforeAll(async () => {
    s3 = await startFakeS3()
  })
  afterAll(async () => {
    await s3.close()
  })

  it('passes an endpoint that answers, has the bucket, takes the keys and honours conditional writes', async () => {
    s3.handle(honouring())
    const report = await doctor(await s3Host(s3.endpoint))
    for (const name of ['s3-endpoint', 's3-bucket', 's3-conditional-writes', 'secrets']) {
      expect(checkOf(report, name).status, checkOf(report, name).detail).toBe('ok')
    }
    const probe = s3.seen.find((r) => r.method === 'PUT')
    expect(s3.seen.some((r) => r.method === 'DELETE' && r.path === probe?.path)).toBe(true)
  })

  it('fails an endpoint that overwrites on If-None-Match: *, as storaged would refuse it', async () => {
    s3.handle((req) => (req.method === 'PUT' ? { status: 200, headers: { etag: '"x"' } } : { status: 200 }))
    const check = checkOf(await doctor(await s3Host(s3.endpoint)), 's3-conditional-writes')
    expect(check.status).toBe('failed')
    expect(check.fix).toContain('LH_S3_UNSAFE_NO_CONDITIONAL=1')
  })

  it('fails a missing bucket with the command that creates it', async () => {
    s3.handle(honouring(404))
    const report = await doctor(await s3Host(s3.endpoint))
    expect(checkOf(report, 's3-bucket')).toMatchObject({ status: 'failed' })
    expect(checkOf(report, 's3-bucket').fix).toContain(`s3 mb s3://lake`)
    expect(checkOf(report, 's3-conditional-writes').status).toBe('skipped')
  })

  it('fails credentials the endpoint refuses, pointing at the keys', async () => {
    s3.handle(honouring(403))
    const check = checkOf(await doctor(await s3Host(s3.endpoint)), 's3-bucket')
    expect(check.status).toBe('failed')
    expect(check.fix).toContain('access_key_id and secret_access_key')
  })

  it('fails an endpoint nothing listens on, and claims nothing beyond it', async () => {
    const report = await doctor(await s3Host(`http://127.0.0.1:${await freePort()}`))
    expect(checkOf(report, 's3-endpoint')).toMatchObject({ status: 'failed' })
    expect(checkOf(report, 's3-endpoint').detail).toContain('ECONNREFUSED')
    expect(checkOf(report, 's3-bucket').status).toBe('skipped')
  })

  it('asks for S3 keys when the backend is s3 and none are set', async () => {
    const h = await s3Host(s3.endpoint)
    delete h.env.LH_STORAGE_S3_ACCESS_KEY_ID
    const check = checkOf(await doctor(h), 'secrets')
    expect(check.status).toBe('failed')
    expect(check.fix).toContain('[storage.s3] access_key_id and secret_access_key')
  })
})

describe('doctor: ollama embedding model', () => {
  let ollama: Server
  let port: number
  let models: string[] = []
  beforeAll(async () => {
    ollama = createServer((req, res) => {
      if (req.url === '/api/tags') res.end(JSON.stringify({ models: models.map((name) => ({ name, model: name })) }))
      else res.writeHead(404).end()
    })
    await new Promise<void>((done) => ollama.listen(0, '127.0.0.1', done))
    port = (ollama.address() as { port: number }).port
  })
  afterAll(async () => {
    await new Promise((done) => ollama.close(done))
  })

  async function ollamaHost(hostUrl: string): Promise<Host> {
    const h = await host(
      `[embed]\ndefault_model = "nomic-embed-text"\n[embed.models.nomic-embed-text]\nprovider = "ollama"\ndim = 768\nhost = "${hostUrl}"\n`,
    )
    hosts.push(h)
    return h
  }

  it('passes when the server has the model (as name:latest)', async () => {
    models = ['nomic-embed-text:latest']
    expect(checkOf(await doctor(await ollamaHost(`http://127.0.0.1:${port}`)), 'embed-nomic-embed-text').status).toBe(
      'ok',
    )
  })

  it('fails a missing model with `ollama pull <model>` as the fix', async () => {
    models = ['all-minilm:latest']
    const check = checkOf(await doctor(await ollamaHost(`http://127.0.0.1:${port}`)), 'embed-nomic-embed-text')
    expect(check).toMatchObject({ status: 'failed', fix: 'ollama pull nomic-embed-text' })
    expect(check.detail).toContain('all-minilm:latest')
  })

  it('fails a server that does not answer', async () => {
    const check = checkOf(
      await doctor(await ollamaHost(`http://127.0.0.1:${await freePort()}`)),
      'embed-nomic-embed-text',
    )
    expect(check.status).toBe('failed')
    expect(check.fix).toContain('ollama pull nomic-embed-text')
  })
})
