import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import { LakehouseError } from '@lakehouse/shared/errors.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// EmbedClient over real HTTP against a real embedd child process (built-in hashing model).

let daemon: DaemonProcess
let client: EmbedClient
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lh-embed-client-'))
  daemon = await startDaemon('embedd', { env: { LH_PATHS_DATA_DIR: dataDir } })
  client = new EmbedClient(new ServiceClient({ service: 'embedd', baseUrl: daemon.url }))
})
afterAll(async () => {
  await client?.close()
  await daemon?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('EmbedClient', () => {
  it('embeds texts into unit vectors of the default model', async () => {
    const answer = await client.embed({ texts: ['senior python engineer', 'forklift operator'], kind: 'query' })
    expect(answer.model).toBe('hashing-768')
    expect(answer.dim).toBe(768)
    expect(answer.vectors).toHaveLength(2)
    for (const vector of answer.vectors) {
      expect(vector).toHaveLength(768)
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5)
    }
  })

  it('returns the very same vectors as Float32Arrays over the base64 encoding', async () => {
    const texts = ['senior python engineer', 'forklift operator in Lyon']
    const plain = await client.embed({ texts })
    const packed = await client.embedFloat32({ texts })
    expect(packed.dim).toBe(768)
    expect(packed.vectors).toHaveLength(2)
    packed.vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array)
      expect(Array.from(vector)).toEqual(plain.vectors[i])
    })
  })

  it('lists the models', async () => {
    expect(await client.models()).toEqual({
      default_model: 'hashing-768',
      models: [{ name: 'hashing-768', provider: 'hashing', dim: 768 }],
    })
  })

  it('turns an unknown model into a typed 400 error', async () => {
    const failure = await client.embed({ texts: ['a'], model: 'no-such-model' }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(LakehouseError)
    expect((failure as LakehouseError).status).toBe(400)
    expect((failure as LakehouseError).message).toContain('no-such-model')
  })
})
