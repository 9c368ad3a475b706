import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mergeLayers } from '../config/merge.ts'
import { type Config, configSchema } from '../config/schema.ts'

// Helpers for tests only: a configuration from the defaults with a private data folder and silent
// logs, deep-overridden by `overrides`. Never used by a daemon at run time.

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K]
}

export function testConfig(overrides: DeepPartial<Config> = {}): Config & { cleanup: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'lh-test-'))
  const base = { log: { level: 'silent' }, paths: { data_dir: dataDir } }
  const raw = mergeLayers(base, overrides as Record<string, unknown>)
  const config = configSchema.parse(raw)
  return Object.assign(config, { cleanup: () => rmSync(dataDir, { recursive: true, force: true }) })
}
