import { readFileSync } from 'node:fs'

// Reads a systemd EnvironmentFile (KEY=VALUE lines, # comments, optional quotes), so `doctor
// --env-file /etc/lakehouse/lakehouse.env` judges the configuration the services will load.
export function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const eq = line.indexOf('=')
    if (eq < 1) continue
    const value = line.slice(eq + 1).trim()
    out[line.slice(0, eq).trim()] = value.replace(/^(["'])(.*)\1$/, '$2')
  }
  return out
}
