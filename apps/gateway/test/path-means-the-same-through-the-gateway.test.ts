import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { App } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import {
  ESCAPING_KEYS,
  generatedHostileKeys,
  REWRITABLE_KEYS,
  UNDECODABLE_KEYS,
} from '@lakehouse/shared/testing/hostile-keys.ts'
import { type RawResponse, rawRequest } from '@lakehouse/shared/testing/raw-http.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// Rule (issue 9 item 2, DESIGN §4, ADR-013): a path means the same at the gateway and at its daemon.
// Every hostile key is PUT over a raw socket, as written, once straight to one storaged and once
// through the gateway to a second storaged: the status, the error code and the stored key must be
// the same both ways, and both storages must end up holding the same keys.

const KEYS = [
  ...Object.values(ESCAPING_KEYS),
  ...Object.values(UNDECODABLE_KEYS),
  ...Object.values(REWRITABLE_KEYS),
  ...generatedHostileKeys(),
]

function rawPut(port: number, rawKey: string): Promise<RawResponse> {
  return rawRequest(
    port,
    Buffer.from(
      `PUT /v1/storage/objects/${rawKey} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 1\r\nconnection: close\r\n\r\nx`,
      'latin1',
    ),
  )
}

function outcome(res: RawResponse): string {
  let body: { key?: string; error?: { code?: string } } = {}
  try {
    body = JSON.parse(res.body)
  } catch {
    // not JSON: compared by status alone
  }
  return `${res.status} ${body.key ?? body.error?.code ?? ''}`
}

async function storedKeys(url: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = ''
  do {
    const res = await fetch(
      `${url}/v1/storage/objects?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    const page = (await res.json()) as { objects: Array<{ key: string }>; next_cursor: string | null }
    keys.push(...page.objects.map((o) => o.key))
    cursor = page.next_cursor ?? ''
  } while (cursor)
  return keys
}

describe('the gateway forwards the request target byte for byte', () => {
  let direct: DaemonProcess
  let behind: DaemonProcess
  let gateway: App
  let gatewayPort: number
  const dirs: string[] = []
  const config = testConfig()

  beforeAll(async () => {
    const start = () => {
      const dir = mkdtempSync(join(tmpdir(), 'lh-bytes-'))
      dirs.push(dir)
      return startDaemon('storaged', { env: { LH_CONFIG: '/dev/null', LH_PATHS_DATA_DIR: dir } })
    }
    ;[direct, behind] = await Promise.all([start(), start()])
    gateway = await buildApp({ config: testConfig({ peers: { storaged: behind.url } }) })
    await gateway.listen({ host: '127.0.0.1', port: 0 })
    gatewayPort = (gateway.server.address() as { port: number }).port
  }, 60_000)
  afterAll(async () => {
    await gateway?.close()
    await Promise.all([direct?.stop(), behind?.stop()])
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    config.cleanup()
  })

  it.each(Object.entries(REWRITABLE_KEYS))('%s (%s) gets the same answer both ways', async (_name, rawKey) => {
    const straight = outcome(await rawPut(direct.port, rawKey))
    const through = outcome(await rawPut(gatewayPort, rawKey))
    expect(through).toBe(straight)
  })

  it(`every one of ${KEYS.length} hostile keys gets the same status and stored key both ways`, async () => {
    const differences: string[] = []
    for (const rawKey of KEYS) {
      const straight = outcome(await rawPut(direct.port, rawKey))
      const through = outcome(await rawPut(gatewayPort, rawKey))
      if (straight !== through) differences.push(`${JSON.stringify(rawKey)}: direct ${straight}, gateway ${through}`)
    }
    expect(differences).toEqual([])
    expect(await storedKeys(behind.url)).toEqual(await storedKeys(direct.url))
  }, 120_000)
})
