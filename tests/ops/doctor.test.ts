import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// `just doctor` on hosts that have, or lack, what the lakehouse needs. A host is simulated by a
// PATH folder holding links to exactly the tools that host has.
const ROOT = resolve(import.meta.dirname, '../..')
const BASICS = ['bash', 'sed', 'sort', 'head', 'cat', 'printf', 'dirname']
const folders: string[] = []
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

function host(tools: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'lh-doctor-'))
  folders.push(bin)
  for (const tool of [...BASICS, ...tools]) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim()
    if (found) symlinkSync(found, join(bin, tool))
  }
  return bin
}

function doctor(pathDir: string, args: string[] = []) {
  return spawnSync(join(ROOT, 'scripts/doctor.sh'), args, { env: { PATH: pathDir }, encoding: 'utf8' })
}

describe('doctor', () => {
  it('names each missing tool with the command that installs it, and exits non-zero', () => {
    const result = doctor(host(['make', 'python3', 'curl', 'git']))
    expect(result.status).not.toBe(0)
    expect(result.stdout).toMatch(/MISSING\s+g\+\+\s+native builds/)
    expect(result.stdout).toContain('install: apt-get install g++')
  })

  it('reports the same as JSON with --json', () => {
    const result = doctor(host(['make', 'python3', 'curl', 'git']), ['--json'])
    const report = JSON.parse(result.stdout) as {
      ok: boolean
      checks: Array<{ name: string; status: string; fix: string }>
    }
    expect(report.ok).toBe(false)
    expect(report.checks.find((c) => c.name === 'g++')).toMatchObject({ status: 'missing', fix: 'apt-get install g++' })
    expect(report.checks.find((c) => c.name === 'make')?.status).toBe('ok')
  })

  it('passes on this project toolchain when every build tool is present', () => {
    const result = doctor(host(['g++', 'make', 'python3', 'curl', 'git', 'npm', 'node']), ['--json'])
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> }
    const failures = report.checks.filter((c) => c.status === 'missing' || c.status === 'failed').map((c) => c.name)
    // node and pnpm come from .toolchain/ (installed by ./lh), so only they may be judged by it; the
    // checks beyond the toolchain (this checkout's config, ports, ...) have tests of their own.
    const tools = ['npm', 'g++', 'make', 'python3', 'curl', 'git']
    expect(failures.filter((m) => tools.includes(m))).toEqual([])
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['config', 'data-dir', 'systemd']))
    expect(result.status === 0).toBe(failures.length === 0)
    expect(report.ok).toBe(failures.length === 0)
  })

  it('never calls a port free that it could not check (no ss, no awk)', () => {
    const result = doctor(host(['g++', 'make', 'python3', 'curl', 'git']), ['--json'])
    const report = JSON.parse(result.stdout) as { checks: Array<{ name: string; status: string; fix: string }> }
    expect(report.checks.find((c) => c.name === 'port-gateway')).toMatchObject({
      status: 'failed',
      fix: 'apt-get install iproute2',
    })
  })
})
