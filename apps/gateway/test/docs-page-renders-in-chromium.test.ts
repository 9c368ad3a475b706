import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// /docs in a real browser (issue 17): Debian's chromium, headless, loads the page from a gateway
// on a loopback port and renders the merged document. The screenshot is kept under
// LH_DOCS_SCREENSHOT when set (a person looks at it); the test checks it is a real, non-blank PNG.

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path))

// Skipped only where Debian's chromium package is not installed (`apt-get install -y chromium`).
describe.skipIf(CHROMIUM === undefined)('GET /docs in headless chromium', () => {
  it('renders the reference page of the merged API', { timeout: 90_000 }, async () => {
    const config = testConfig({ auth: { token: 'admin-token-0123456789' } })
    const app = await buildApp({ config })
    const dir = mkdtempSync(join(tmpdir(), 'lh-docs-'))
    try {
      const address = await app.listen({ port: 0, host: '127.0.0.1' })
      const shot = process.env.LH_DOCS_SCREENSHOT ?? join(dir, 'docs.png')
      await promisify(execFile)(
        CHROMIUM as string,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--window-size=1280,1600',
          // Swagger UI builds the page in script after load: let virtual time run until it has.
          '--virtual-time-budget=10000',
          `--screenshot=${shot}`,
          `${address}/docs/`,
        ],
        { timeout: 80_000 },
      )
      const png = readFileSync(shot)
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
      // A blank page compresses to a few kB; the rendered operation list is far larger.
      expect(png.length).toBeGreaterThan(50_000)
    } finally {
      await app.close()
      config.cleanup()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
