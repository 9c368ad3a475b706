import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/load.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lh-config-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, text: string, mode = 0o600): void {
  writeFileSync(join(dir, name), text)
  chmodSync(join(dir, name), mode)
}
const load = (env: NodeJS.ProcessEnv = {}) => loadConfig({ cwd: dir, env })

describe('config', () => {
  it('uses the defaults with no file and no environment', () => {
    const config = load()
    expect(config.server.host).toBe('127.0.0.1')
    expect(config.ports.gateway).toBe(3110)
    expect(config.ports.observerd).toBe(3117)
    expect(config.storage.backend).toBe('fs')
    expect(config.auth.token).toBe('')
    expect(config.paths.data_dir).toBe(join(dir, 'var'))
  })

  it('layers defaults < lakehouse.toml < secrets.toml < LH_* environment', () => {
    write('lakehouse.toml', '[ports]\ngateway = 4000\nstoraged = 4001\ncatalogd = 4002\n[log]\nlevel = "warn"\n')
    write('secrets.toml', '[ports]\nstoraged = 5001\ncatalogd = 5002\n[auth]\ntoken = "0123456789abcdef-secret"\n')
    const config = load({ LH_PORTS_CATALOGD: '6002' })
    expect(config.ports.gateway).toBe(4000) // file over default
    expect(config.ports.storaged).toBe(5001) // secrets over file
    expect(config.ports.catalogd).toBe(6002) // environment over secrets
    expect(config.ports.ingestd).toBe(3113) // default
    expect(config.log.level).toBe('warn')
    expect(config.auth.token).toBe('0123456789abcdef-secret')
  })

  it('fails on an unknown key in lakehouse.toml, naming the key and the file', () => {
    write('lakehouse.toml', '[server]\nhost = "127.0.0.1"\nhots = "x"\n')
    expect(load).toThrow(ConfigError)
    expect(load).toThrow(/unknown key server\.hots.*lakehouse\.toml/)
  })

  it('fails on an unknown table', () => {
    write('lakehouse.toml', '[sever]\nhost = "x"\n')
    expect(load).toThrow(/unknown key sever/)
  })

  it('fails on an unknown key in secrets.toml, naming that file', () => {
    write('secrets.toml', '[auth]\ntokn = "x"\n')
    expect(load).toThrow(/unknown key auth\.tokn.*secrets\.toml/)
  })

  it('fails on an unknown LH_ variable, naming it', () => {
    expect(() => load({ LH_AUTH_TOKNE: 'x' })).toThrow(/unknown configuration variable LH_AUTH_TOKNE/)
  })

  it('ignores variables that are not LH_ and the scripts own LH_SMOKE_/LH_BENCH_ knobs', () => {
    expect(() => load({ HOME: '/root', LH_SMOKE_TOKEN: 'x', LH_BENCH_QUICK: '1' })).not.toThrow()
  })

  it('fails on a wrong type, naming the key', () => {
    write('lakehouse.toml', '[ports]\ngateway = "high"\n')
    expect(load).toThrow(/ports\.gateway/)
    rmSync(join(dir, 'lakehouse.toml'))
    expect(() => load({ LH_PORTS_GATEWAY: 'high' })).toThrow(/LH_PORTS_GATEWAY/)
    expect(() => load({ LH_SERVER_ALLOW_NONLOOPBACK: 'maybe' })).toThrow(/not a boolean/)
  })

  it('fails on invalid TOML with the file name', () => {
    write('lakehouse.toml', '[server\nhost = 1')
    expect(load).toThrow(/lakehouse\.toml is not valid TOML/)
  })

  it('refuses a secrets.toml that group or others can read', () => {
    write('secrets.toml', '[auth]\ntoken = "0123456789abcdef-secret"\n', 0o644)
    expect(load).toThrow(/readable by group or others \(mode 644\).*chmod 600/)
    chmodSync(join(dir, 'secrets.toml'), 0o640)
    expect(load).toThrow(/mode 640/)
    chmodSync(join(dir, 'secrets.toml'), 0o600)
    expect(load().auth.token).toBe('0123456789abcdef-secret')
  })

  it('coerces environment values by the type of their key', () => {
    const config = load({
      LH_SERVER_ALLOW_NONLOOPBACK: '1',
      LH_AUTH_ALLOW_IPS: '10.0.0.0/8, 127.0.0.1',
      LH_STORAGE_MAX_OBJECT_BYTES: '1024',
      LH_STORAGE_S3_BUCKET: 'b1',
    })
    expect(config.server.allow_nonloopback).toBe(true)
    expect(config.auth.allow_ips).toEqual(['10.0.0.0/8', '127.0.0.1'])
    expect(config.storage.max_object_bytes).toBe(1024)
    expect(config.storage.s3.bucket).toBe('b1')
  })

  it('honours the short aliases the design promises', () => {
    const config = load({ LH_ALLOW_NONLOOPBACK: '1', LH_S3_UNSAFE_NO_CONDITIONAL: '1' })
    expect(config.server.allow_nonloopback).toBe(true)
    expect(config.storage.s3.unsafe_no_conditional).toBe(true)
  })

  it('reads the files named by LH_CONFIG and LH_SECRETS, which must then exist', () => {
    write('other.toml', '[ports]\ngateway = 4100\n')
    expect(load({ LH_CONFIG: 'other.toml' }).ports.gateway).toBe(4100)
    expect(() => load({ LH_CONFIG: 'missing.toml' })).toThrow(/cannot read .*missing\.toml/)
  })

  it('refuses a gateway timeout that would cut queries short', () => {
    write('lakehouse.toml', '[gateway]\nupstream_timeout_ms = 60000\n[query]\nmax_timeout_ms = 120000\n')
    expect(load).toThrow(/gateway\.upstream_timeout_ms: must be larger than query\.max_timeout_ms/)
    // The other half may come from another layer: judged on the merged configuration.
    expect(load({ LH_QUERY_MAX_TIMEOUT_MS: '30000' }).gateway.upstream_timeout_ms).toBe(60000)
  })

  it('rejects short tokens', () => {
    write('secrets.toml', '[auth]\ntoken = "short"\n')
    expect(load).toThrow(/at least 16 characters/)
  })
})
