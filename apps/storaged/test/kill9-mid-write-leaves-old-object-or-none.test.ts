import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { FOLDER_ID_FILE } from '@lakehouse/shared/contracts/storage.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { type DaemonProcess, startDaemon, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WRITE_BATCH_BYTES } from '../src/object-file.ts'

// Rule: a write killed midway leaves the old object or none, never a partial one (issue 3, fs
// backend). storaged runs as a real child process and is killed with SIGKILL while two uploads
// are half sent; the restarted daemon must serve the old bytes, no new key, and no temp file.

// Two write batches per half: the file holds body bytes (not just the sink's gathered chunks) when
// the process dies.
const HALF = 2 * WRITE_BATCH_BYTES

function startUpload(port: number, key: string): void {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: `/v1/storage/objects/${key}`,
    headers: { 'content-length': 2 * HALF },
  })
  req.on('error', () => {}) // the daemon dies under it: that is the point
  req.write(Buffer.alloc(HALF, 0x42))
}

/** The temp files in storaged's scratch folder: all but the folder id it writes at start (ADR-034). */
function temps(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name !== basename(FOLDER_ID_FILE))
}

function tempBytes(tmp: string): number {
  return temps(tmp).reduce((sum, name) => sum + statSync(join(tmp, name)).size, 0)
}

describe('fs crash safety: kill -9 during a write', () => {
  let dataDir: string
  let daemon: DaemonProcess | undefined
  const clients: StorageClient[] = []
  const clientOf = (d: DaemonProcess) => {
    const client = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: d.url }))
    clients.push(client)
    return client
  }
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lh-crash-'))
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
    await daemon?.stop('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('leaves the old object or none, never a torn one, and the restart clears temp files', async () => {
    const env = { LH_PATHS_DATA_DIR: dataDir }
    daemon = await startDaemon('storaged', { env })
    const old = Buffer.alloc(2 * HALF, 0x41)
    await clientOf(daemon).put('crash/existing', old)

    startUpload(daemon.port, 'crash/existing')
    startUpload(daemon.port, 'crash/new')
    const tmp = join(dataDir, 'storage', '.lh-tmp')
    // Both temp files hold bytes: the writes are really midway when the process dies.
    await waitFor(
      async () => temps(tmp).length === 2 && tempBytes(tmp) >= 2 * WRITE_BATCH_BYTES,
      'two half-written temps',
    )
    await daemon.stop('SIGKILL')
    expect(temps(tmp).length).toBe(2)

    daemon = await startDaemon('storaged', { env })
    const client = clientOf(daemon)
    expect((await client.getBuffer('crash/existing')).equals(old)).toBe(true)
    expect(await client.head('crash/new')).toBeUndefined()
    expect(temps(tmp)).toEqual([])
    const listed = []
    for await (const object of client.list('')) listed.push(object.key)
    expect(listed).toEqual(['crash/existing'])
  })
})
