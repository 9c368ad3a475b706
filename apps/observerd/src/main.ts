import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('observerd', (config) => buildApp({ config }))
