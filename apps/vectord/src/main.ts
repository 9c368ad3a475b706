import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('vectord', (config) => buildApp({ config }))
