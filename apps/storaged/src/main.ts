import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'
import { openBackendOrExit } from './backend-factory.ts'

await runDaemon('storaged', async (config) => buildApp({ config, backend: await openBackendOrExit(config) }))
