import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('storaged', (config) => buildApp({ config }))
