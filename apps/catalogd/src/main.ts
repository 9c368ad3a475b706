import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('catalogd', (config) => buildApp({ config }))
