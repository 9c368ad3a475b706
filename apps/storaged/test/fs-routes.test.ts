import { dataPath } from '@lakehouse/shared'
import { FsBackend } from '../src/fs-backend.ts'
import { describeBackendSuite } from './backend-suite.ts'

describeBackendSuite({
  name: 'fs',
  open: (config) => FsBackend.open(dataPath(config, undefined, 'storage')),
})
