import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('gateway', (config) => buildApp({ config }))
