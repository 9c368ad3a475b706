import { chmodSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkOf, doctor, type Host, host } from './doctor-host.ts'

// `just doctor` beyond the toolchain: the configuration through the daemons' own loader, the
// secrets file, the data folder, the ports and systemd, each on a temp host (own config files,
// data folder, ports and unit folder). Every failure must carry its fix.
let hosts: Host[] = []
afterEach(() => {
  for (const h of hosts) h.cleanup()
  hosts = []
})
async function fresh(): Promise<Host> {
  const h = await host()
  hosts.push(h)
  return h
}

describe('doctor: configuration and secrets', () => {
  it('passes a clean embedded configuration, and says what did not apply instead of passing it', async () => {
    const h = await fresh()
    const report = await doctor(h)
    expect(checkOf(report, 'config').status).toBe('ok')
    expect(checkOf(report, 'data-dir')).toMatchObject({ status: 'ok' })
    expect(checkOf(report, 'data-dir').detail).toMatch(/GiB free/)
    expect(checkOf(report, 's3-bucket')).toMatchObject({ status: 'skipped', detail: 'storage.backend = "fs"' })
    expect(checkOf(report, 'systemd').status).toBe('skipped')
  })

  it('names an unknown key and the file it is in, the fix edits that file, and nothing else is claimed checked', async () => {
    const h = await fresh()
    writeFileSync(h.configFile, '[storage]\nbackend = "fs"\nbakend = "s3"\n')
    const report = await doctor(h)
    expect(report.exitCode).toBe(1)
    expect(report.ok).toBe(false)
    const config = checkOf(report, 'config')
    expect(config).toMatchObject({ status: 'failed' })
    expect(config.detail).toContain('unknown key storage.bakend')
    expect(config.fix).toContain(`edit ${h.configFile}`)
    for (const name of ['data-dir', 'ports', 's3', 'embed']) {
      expect(checkOf(report, name)).toMatchObject({
        status: 'skipped',
        detail: 'not checked: the configuration is invalid',
      })
    }
  })

  it('fails a secrets.toml that group or others can read, with chmod 600 as the fix', async () => {
    const h = await fresh()
    chmodSync(h.secretsFile, 0o644)
    const report = await doctor(h)
    expect(checkOf(report, 'secrets-mode')).toMatchObject({ status: 'failed', fix: `chmod 600 ${h.secretsFile}` })
    expect(checkOf(report, 'config')).toMatchObject({ status: 'failed', fix: `chmod 600 ${h.secretsFile}` })
  })

  it('fails a value copied from secrets.toml.example, naming its key', async () => {
    const h = await fresh()
    writeFileSync(h.secretsFile, '[auth]\ntoken = "replace-with-a-long-random-string"\n')
    const check = checkOf(await doctor(h), 'secrets-placeholders')
    expect(check.status).toBe('failed')
    expect(check.detail).toContain('auth.token')
    expect(check.fix).toContain(`edit ${h.secretsFile}`)
  })

  it('asks for the token a non-loopback bind needs, naming the key and the file', async () => {
    const h = await fresh()
    const check = checkOf(await doctor(h, [], { LH_SERVER_HOST: '0.0.0.0' }), 'secrets')
    expect(check.status).toBe('failed')
    expect(check.detail).toContain('binding 0.0.0.0 needs [auth] token')
    expect(check.fix).toBe(`edit ${h.secretsFile}: set [auth] token`)
    const withToken = await doctor(h, [], { LH_SERVER_HOST: '0.0.0.0', LH_AUTH_TOKEN: 'a-token-of-enough-length' })
    expect(checkOf(withToken, 'secrets').status).toBe('ok')
  })

  it('gives the command that creates a named secrets.toml that does not exist', async () => {
    const h = await fresh()
    const missing = join(h.dir, 'no-secrets.toml')
    const check = checkOf(await doctor(h, [], { LH_SECRETS: missing }), 'config')
    expect(check.status).toBe('failed')
    expect(check.fix).toMatch(new RegExp(`^install -m 600 .*/secrets.toml.example ${missing} `))
  })
})

describe('doctor --env-file (a systemd install)', () => {
  it("judges the files the EnvironmentFile names, not this shell's LH_ variables", async () => {
    const h = await fresh()
    const served = join(h.dir, 'served.toml')
    writeFileSync(served, `[paths]\ndata_dir = "${join(h.dir, 'served-data')}"\n[log]\nlevl = "info"\n`)
    const envFile = join(h.dir, 'lakehouse.env')
    writeFileSync(envFile, `# as install-systemd writes it\nLH_CONFIG=${served}\nLH_SECRETS="${h.secretsFile}"\n`)
    const report = await doctor(h, ['--env-file', envFile])
    expect(checkOf(report, 'config').status).toBe('failed')
    expect(checkOf(report, 'config').detail).toContain(`unknown key log.levl (${served})`)
    expect(checkOf(await doctor(h), 'config').status).toBe('ok')
  })
})

describe('doctor: host', () => {
  it('fails a data folder that cannot be created', async () => {
    const h = await fresh()
    writeFileSync(join(h.dir, 'a-file'), '')
    const check = checkOf(await doctor(h, [], { LH_PATHS_DATA_DIR: join(h.dir, 'a-file', 'data') }), 'data-dir')
    expect(check.status).toBe('failed')
    expect(check.fix).toContain('data_dir')
  })

  it('names the process holding a configured port, with the command that frees it', async () => {
    const h = await fresh()
    const other = createServer((_req, res) => res.end('queryd ok'))
    await new Promise<void>((done) => other.listen(h.ports.queryd, '127.0.0.1', done))
    try {
      const check = checkOf(await doctor(h), 'port-queryd')
      expect(check.status).toBe('failed')
      expect(check.detail).toContain(`${h.ports.queryd} is in use by pid ${process.pid} `)
      expect(check.fix).toMatch(new RegExp(`^kill ${process.pid} .*LH_PORTS_QUERYD=`))
      expect(checkOf(await doctor(h), 'port-gateway').status).toBe('ok')
    } finally {
      await new Promise((done) => other.close(done))
    }
  })

  it('fails installed units that systemd is not running', async () => {
    const h = await fresh()
    writeFileSync(join(h.unitDir, 'lakehouse.target'), '[Unit]\n')
    const check = checkOf(await doctor(h), 'systemd')
    // Here PID 1 is not systemd (a container); on a systemd host these units are not active.
    expect(check.status).toBe('failed')
    expect(check.fix).not.toBe('')
  })
})
