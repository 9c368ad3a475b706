import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('ingestd', (config) => buildApp({ config }))
