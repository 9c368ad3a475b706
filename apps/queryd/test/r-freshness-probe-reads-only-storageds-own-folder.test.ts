import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { FOLDER_ID_FILE, type StorageIdentity } from '@lakehouse/shared/contracts/storage.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { type DaemonProcess, startDaemon, waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FolderCommitObjects } from '../src/folder-commit-objects.ts'

// ADR-034: queryd answers its freshness probe from storaged's folder only while that folder is
// proven to be the one storaged serves (the same folder id in it as storaged announces). Any doubt
// (another folder, s3) means HEADs through storaged; a storaged that does not answer changes nothing.

const quiet = { info: () => {}, warn: () => {} }

describe('the freshness probe reads only storaged’s own folder', () => {
  let dataDir: string
  let storaged: DaemonProcess
  let client: StorageClient

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lh-folder-probe-'))
    storaged = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: dataDir } })
    client = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: storaged.url }))
    await client.putIfAbsent('catalog/d/v0000000001.json', '{}')
  }, 60_000)
  afterAll(async () => {
    await client?.close()
    await storaged?.stop('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('finds what storaged finds, from the folder, when the folder is storaged’s', async () => {
    const commits = new FolderCommitObjects(client, join(dataDir, 'storage'), quiet)
    expect(commits.source).toBe('storaged')
    expect(await commits.check()).toBe('folder')
    expect(await commits.head('catalog/d/v0000000001.json')).toBeDefined()
    expect(await commits.head('catalog/d/v0000000002.json')).toBeUndefined()
    // A folder is not an object, and a file cannot be a folder: storaged answers 404 to both.
    expect(await commits.head('catalog/d')).toBeUndefined()
    expect(await commits.head('catalog/d/v0000000001.json/x')).toBeUndefined()
    // Acknowledged by storaged, then found in the folder at once.
    await client.putIfAbsent('catalog/d/v0000000002.json', '{}')
    expect(await commits.head('catalog/d/v0000000002.json')).toBeDefined()
  })

  it('asks storaged when the folder it sees is another one', async () => {
    const other = mkdtempSync(join(tmpdir(), 'lh-folder-probe-other-'))
    try {
      mkdirSync(join(other, '.lh-tmp'))
      writeFileSync(join(other, FOLDER_ID_FILE), 'some other folder')
      // The other folder holds a commit storaged does not have: only a HEAD says it is absent.
      mkdirSync(join(other, 'catalog', 'd'), { recursive: true })
      writeFileSync(join(other, 'catalog', 'd', 'v0000000009.json'), '{}')
      const commits = new FolderCommitObjects(client, other, quiet)
      expect(await commits.check()).toBe('storaged')
      expect(await commits.head('catalog/d/v0000000009.json')).toBeUndefined()
      expect(await commits.head('catalog/d/v0000000001.json')).toBeDefined()
      // No folder id at all: storaged's again.
      rmSync(join(other, FOLDER_ID_FILE))
      expect(await commits.check()).toBe('storaged')
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('stops reading the folder once storaged serves another one', async () => {
    let current = client
    const remote = { head: (key: string) => current.head(key), identity: () => current.identity() }
    const commits = new FolderCommitObjects(remote, join(dataDir, 'storage'), quiet)
    expect(await commits.check()).toBe('folder')
    // storaged now serves another folder; the one left behind still holds the id it last wrote.
    const moved = mkdtempSync(join(tmpdir(), 'lh-folder-probe-moved-'))
    const elsewhere = await startDaemon('storaged', { env: { LH_PATHS_DATA_DIR: moved } })
    current = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: elsewhere.url }))
    try {
      expect(await commits.check()).toBe('storaged')
      expect(await commits.head('catalog/d/v0000000001.json')).toBeUndefined()
    } finally {
      await current.close()
      await elsewhere.stop('SIGKILL')
      rmSync(moved, { recursive: true, force: true })
    }
  })

  it('asks storaged when its backend is s3, and keeps its choice while storaged does not answer', async () => {
    const root = join(dataDir, 'storage')
    let answer: () => Promise<StorageIdentity> = async () => ({ backend: 's3', folder_id: null })
    const remote = { head: (key: string) => client.head(key), identity: () => answer() }
    const commits = new FolderCommitObjects(remote, root, quiet)
    expect(await commits.check()).toBe('storaged')
    answer = () => client.identity()
    expect(await commits.check()).toBe('folder')
    answer = async () => {
      throw new Error('connect ECONNREFUSED')
    }
    expect(await commits.check()).toBe('folder')
  })

  it('is what queryd runs on the embedded defaults, as /ready says', async () => {
    const env = { LH_PATHS_DATA_DIR: dataDir, LH_PEERS_STORAGED: storaged.url }
    const catalogd = await startDaemon('catalogd', { env })
    const queryd = await startDaemon('queryd', { env: { ...env, LH_PEERS_CATALOGD: catalogd.url } })
    try {
      const probe = async () => {
        const ready = (await (await fetch(`${queryd.url}/ready`)).json()) as {
          checks: { memory: { details: Record<string, unknown> } }
        }
        return ready.checks.memory.details.freshness_probe
      }
      await waitFor(async () => (await probe()) === 'folder', 'queryd to read the folder')
    } finally {
      await queryd.stop('SIGKILL')
      await catalogd.stop('SIGKILL')
    }
  }, 60_000)
})
