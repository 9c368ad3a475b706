// Drives the shared route suite (backend-suite.ts, where the assertions live) against a real S3.
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { openS3 } from '../src/backend-factory.ts'
import { describeBackendSuite } from './backend-suite.ts'

// The route suite against a real MinIO (or any S3 that honours conditional writes), with no
// override: the start-up probe must pass and the conditional tests run. It skips, saying why, when
// nothing listens on LH_TEST_MINIO_ENDPOINT (default http://127.0.0.1:9000). Each run uses its own
// bucket, so runs never see each other's objects.

const endpoint = process.env.LH_TEST_MINIO_ENDPOINT ?? 'http://127.0.0.1:9000'

function listens(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 80), timeout: 1_000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => resolve(false))
  })
}

const reachable = await listens(endpoint)
const skipReason = reachable ? undefined : `nothing listens on ${endpoint}; start MinIO or set LH_TEST_MINIO_ENDPOINT`
if (skipReason) console.info(`real-S3 suite skipped: ${skipReason}`)

describeBackendSuite({
  name: `s3 (real server at ${endpoint})`,
  skip: skipReason,
  open: (config) => {
    Object.assign(config.storage.s3, {
      endpoint,
      bucket: `lh-test-${randomUUID().slice(0, 8)}`,
      access_key_id: process.env.LH_TEST_MINIO_ACCESS_KEY ?? 'minioadmin',
      secret_access_key: process.env.LH_TEST_MINIO_SECRET_KEY ?? 'minioadmin',
      unsafe_no_conditional: false,
    })
    return openS3(config)
  },
})
