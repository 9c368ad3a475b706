import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePortBlock } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, describe, expect, it } from 'vitest'

// What an operator reads in journald when a daemon dies: a configuration error is one plain line
// naming the key; an error nobody caught after start-up is one JSON log line (stack inside it),
// never a multi-line dump that journald splits into unrelated entries.
const ROOT = resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'lh-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(script: string, extra: Record<string, string>) {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LH_')) env[k] = v
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...env, ...extra } })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d
  })
  child.stderr.on('data', (d: Buffer) => {
    out += d
  })
  const [code] = (await once(child, 'close')) as [number | null]
  return { code, lines: out.trim().split('\n') }
}

describe('a crash is one line', () => {
  it('a configuration error: one line naming the key and the file, exit 2', async () => {
    const config = join(dir, 'bad.toml')
    writeFileSync(config, '[log]\nlevl = "debug"\n')
    const { code, lines } = await run('apps/gateway/src/main.ts', { LH_CONFIG: config })
    expect(code).toBe(2)
    expect(lines).toEqual([`gateway: configuration error: unknown key log.levl (${config})`])
  })

  it('an uncaught error after start-up: one fatal JSON line with the message, exit 1', async () => {
    const { code, lines } = await run('tests/ops/fixtures/crash-after-start.ts', {
      LH_PORTS_OBSERVERD: String(await freePortBlock(1)),
      LH_LOG_LEVEL: 'warn',
      LH_PATHS_DATA_DIR: join(dir, 'data'),
    })
    expect(code).toBe(1)
    expect(lines).toHaveLength(1)
    const line = JSON.parse(lines[0] as string) as {
      level: number
      service: string
      msg: string
      err: { message: string }
    }
    expect(line).toMatchObject({ level: 60, service: 'observerd' })
    expect(line.err.message).toBe('boom: the index file is corrupt')
  })
})
