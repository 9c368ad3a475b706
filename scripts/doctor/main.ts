// `just doctor` beyond the toolchain: reads the toolchain checks of scripts/doctor.sh as JSON on
// stdin, adds the configuration, secrets, data folder, ports, S3, embedding and systemd checks,
// prints one report (text, or JSON with --json) and exits 1 if anything failed.
//   --env-file FILE   judge the configuration a systemd service would load (its EnvironmentFile and
//                     WorkingDirectory), e.g. --env-file /etc/lakehouse/lakehouse.env
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkConfig } from './config-checks.ts'
import { checkEmbed } from './embed-checks.ts'
import { readEnvFile } from './env-file.ts'
import { checkDataDir, checkPorts, checkSystemd } from './host-checks.ts'
import { type Check, isFailure, renderJson, renderText, skipped } from './report.ts'
import { checkS3 } from './s3-checks.ts'

const ROOT = resolve(import.meta.dirname, '../..')
/** Where `just install-systemd` runs the services from; see scripts/systemd.sh. */
const SERVICE_CWD = '/var/lib/lakehouse'
const SERVICE_USER = 'lakehouse'

function parseArgs(argv: string[]): { json: boolean; envFile?: string } {
  const out: { json: boolean; envFile?: string } = { json: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--json') out.json = true
    else if (arg === '--env-file') out.envFile = argv[++i]
    else if (arg.startsWith('--env-file=')) out.envFile = arg.slice('--env-file='.length)
    else {
      process.stderr.write(`doctor: unknown argument ${arg} (usage: just doctor [--json] [--env-file FILE])\n`)
      process.exit(2)
    }
  }
  return out
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const toolchain = JSON.parse(readFileSync(0, 'utf8') || '{"checks":[]}') as { checks: Check[] }
  let env: NodeJS.ProcessEnv = process.env
  let cwd = process.cwd()
  if (args.envFile) {
    // A service sees its EnvironmentFile, not this shell's LH_ variables.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LH_')))
    Object.assign(env, readEnvFile(args.envFile))
    cwd = SERVICE_CWD
  }
  // LH_LOG_LEVEL_<DAEMON> is `just up`'s knob (scripts/stack.sh), not a configuration key.
  env = Object.fromEntries(Object.entries(env).filter(([k]) => !/^LH_LOG_LEVEL_[A-Z]+$/.test(k)))
  const checks: Check[] = [...toolchain.checks]
  const { checks: configChecks, config } = checkConfig({ root: ROOT, cwd, env })
  checks.push(...configChecks)
  if (config) {
    checks.push(checkDataDir(config, args.envFile ? SERVICE_USER : undefined))
    checks.push(...checkPorts(config, ROOT))
    checks.push(...(await checkS3(config, resolve(cwd, env.LH_CONFIG ?? 'lakehouse.toml'))))
    checks.push(...(await checkEmbed(config)))
  } else {
    for (const name of ['data-dir', 'ports', 's3', 'embed'])
      checks.push(skipped(name, 'not checked: the configuration is invalid'))
  }
  checks.push(checkSystemd(env.LH_TEST_SYSTEMD_UNIT_DIR ?? '/etc/systemd/system'))
  process.stdout.write(args.json ? renderJson(checks) : renderText(checks))
  process.exitCode = checks.some(isFailure) ? 1 : 0
}

await main()
