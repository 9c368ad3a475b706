import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterEach, describe, expect, it } from 'vitest'
import { type FakeUpstream, fakeVector, sendJson, startFakeUpstream } from './fake-upstream.ts'

// "Switching to Ollama is a config change only": the same embedd main.ts, started with the default
// model and its table set from the environment, answers from (a fake) Ollama.

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('embedd configuration', () => {
  it('switches the default model to ollama by configuration only', async () => {
    const fake: FakeUpstream = await startFakeUpstream()
    cleanups.push(() => fake.close())
    fake.handle((req, res) => {
      if (req.url === '/api/tags') return sendJson(res, 200, { models: [{ name: 'nomic-embed-text:latest' }] })
      const { model, input } = req.body as { model: string; input: string[] }
      sendJson(res, 200, { model, embeddings: input.map((text) => fakeVector(text, 768)) })
    })
    const dataDir = mkdtempSync(join(tmpdir(), 'lh-embedd-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const daemon: DaemonProcess = await startDaemon('embedd', {
      env: {
        LH_PATHS_DATA_DIR: dataDir,
        LH_EMBED_DEFAULT_MODEL: 'nomic-embed-text',
        LH_EMBED_MODELS: JSON.stringify({ 'nomic-embed-text': { provider: 'ollama', dim: 768, host: fake.url } }),
      },
    })
    cleanups.push(() => daemon.stop())

    const res = await fetch(`${daemon.url}/v1/embed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: ['senior python engineer'], kind: 'query' }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { model: string; vectors: number[][] }
    expect(body.model).toBe('nomic-embed-text')
    expect(body.vectors[0]).toEqual(fakeVector('search_query: senior python engineer', 768).map(Math.fround))
    expect((await fetch(`${daemon.url}/ready`)).status).toBe(200)
  })

  it('refuses to start when the default model is not configured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lh-embedd-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const failure = await startDaemon('embedd', {
      env: { LH_PATHS_DATA_DIR: dataDir, LH_EMBED_DEFAULT_MODEL: 'nomic-embed-text' },
    }).catch((err: Error) => err)
    expect(failure).toBeInstanceOf(Error)
    expect((failure as Error).message).toContain('embed.default_model "nomic-embed-text" is not a model')
  })
})
