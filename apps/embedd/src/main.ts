import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'

await runDaemon('embedd', (config) => buildApp({ config }))
