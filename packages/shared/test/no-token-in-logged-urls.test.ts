import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redactUrl } from '../src/logging.ts'
import { type DaemonProcess, startDaemon, waitFor } from '../src/testing/daemon-process.ts'

// Rule (issue 9 item 12, ADR-013): a credential sent in a query string (?token=…, ?api_key=…, a
// presigned ?X-Amz-Signature=…) never reaches a log line. Checked on the log output of a real
// daemon, the way an operator would find it.

const SECRET = 'query-string-secret-0123456789'

describe('no credential in a logged URL', () => {
  let daemon: DaemonProcess
  let dataDir: string
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lh-redact-'))
    daemon = await startDaemon('storaged', {
      env: {
        LH_CONFIG: '/dev/null',
        LH_LOG_LEVEL: 'info',
        LH_PATHS_DATA_DIR: dataDir,
        LH_AUTH_TOKEN: 'the-real-token-0123456789',
      },
    })
  })
  afterAll(async () => {
    await daemon.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('logs the request with its credential parameters redacted and the others intact', async () => {
    const query = `?prefix=a&token=${SECRET}&Access_Token=${SECRET}&api_key=${SECRET}&X-Amz-Signature=${SECRET}&limit=5`
    const res = await fetch(`${daemon.url}/v1/storage/objects${query}`)
    expect(res.status).toBe(401)
    await waitFor(async () => daemon.output().includes('/v1/storage/objects?prefix=a'), 'the request in the log')
    expect(daemon.output()).not.toContain(SECRET)
    expect(daemon.output()).toContain(
      '/v1/storage/objects?prefix=a&token=[redacted]&Access_Token=[redacted]&api_key=[redacted]&X-Amz-Signature=[redacted]&limit=5',
    )
  })

  it('redacts encoded parameter names and leaves URLs without credentials unchanged', () => {
    expect(redactUrl(`/x?%74oken=${SECRET}&a=1`)).toBe('/x?%74oken=[redacted]&a=1')
    expect(redactUrl(`/x?password`)).toBe('/x?password=[redacted]')
    expect(redactUrl('/x/a%2fb?tokens=1&keys=2')).toBe('/x/a%2fb?tokens=1&keys=2')
    expect(redactUrl('/x')).toBe('/x')
  })
})
