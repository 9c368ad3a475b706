// The shared route suite (backend-suite.ts, where the assertions live) run against the fs backend.
import { dataPath } from '@lakehouse/shared'
import { FsBackend } from '../src/fs-backend.ts'
import { describeBackendSuite } from './backend-suite.ts'

describeBackendSuite({
  name: 'fs',
  open: (config) => FsBackend.open(dataPath(config, undefined, 'storage')),
})
