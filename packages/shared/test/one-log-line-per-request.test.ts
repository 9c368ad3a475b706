import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DaemonProcess, startDaemon, waitFor } from '../src/testing/daemon-process.ts'

// Rule (issue 14 item 6, ADR-014): journald gets one JSON line per request, naming the service, the
// request id, the matched route pattern, the status and the duration — not Fastify's two lines
// without a route. Checked on the output of a real daemon, as an operator reads it.

describe('one log line per request', () => {
  let daemon: DaemonProcess
  let dataDir: string
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lh-reqlog-'))
    daemon = await startDaemon('storaged', {
      env: { LH_CONFIG: '/dev/null', LH_LOG_LEVEL: 'info', LH_PATHS_DATA_DIR: dataDir },
    })
  })
  afterAll(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('writes exactly one line with service, request id, route, status and duration', async () => {
    const id = 'one-line-per-request-1'
    const res = await fetch(`${daemon.url}/v1/storage/objects/a/b.bin`, { headers: { 'x-request-id': id } })
    expect(res.status).toBe(404)
    const linesOf = () =>
      daemon
        .output()
        .split('\n')
        .filter((line) => line.includes(`"reqId":"${id}"`))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    await waitFor(async () => linesOf().some((line) => line.msg === 'request'), 'the request line in the log')
    const lines = linesOf()
    const requestLines = lines.filter((line) => line.msg === 'request')
    expect(requestLines).toHaveLength(1)
    expect(lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toEqual([])
    expect(requestLines[0]).toMatchObject({
      service: 'storaged',
      route: '/v1/storage/objects/*',
      status: 404,
      req: { method: 'GET', url: '/v1/storage/objects/a/b.bin' },
    })
    expect(typeof requestLines[0]?.duration_ms).toBe('number')
  })
})
