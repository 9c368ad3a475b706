// Prints configuration values for the shell scripts, through the one config loader, so the scripts
// never parse lakehouse.toml themselves. Usage: node scripts/print-config.ts ports.gateway [more.keys]
import { loadConfig } from '@lakehouse/shared'

const config = loadConfig() as unknown as Record<string, unknown>
for (const path of process.argv.slice(2)) {
  const value = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config)
  if (value === undefined) {
    process.stderr.write(`no configuration key ${path}\n`)
    process.exit(2)
  }
  process.stdout.write(`${typeof value === 'object' ? JSON.stringify(value) : String(value)}\n`)
}
