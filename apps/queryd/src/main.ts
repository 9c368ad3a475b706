import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('queryd', (config) => buildApp({ config }))
