import { runDaemon } from '@lakehouse/shared'
import { buildApp } from './app.ts'
import { openBackend } from './backend-factory.ts'

// A backend that cannot be opened (an S3 endpoint without conditional writes) is run-daemon's
// "cannot start" (exit 2, one line), like every other daemon that cannot be built as configured.
await runDaemon('storaged', async (config) => buildApp({ config, backend: await openBackend(config) }))
