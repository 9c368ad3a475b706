import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import { Conflict, NotFound } from '@lakehouse/shared'
import { FOLDER_ID_FILE } from '@lakehouse/shared/contracts/storage.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FsBackend } from '../src/fs-backend.ts'

// What only the fs backend promises: the on-disk layout, temp files, and folder bookkeeping.

const body = (text: string) => Readable.from([Buffer.from(text)])
const MAX = 1024 * 1024

describe('fs backend', () => {
  let config: ReturnType<typeof testConfig>
  let root: string
  beforeEach(() => {
    config = testConfig()
    root = join(config.paths.data_dir, 'storage')
  })
  afterEach(() => config.cleanup())

  it('etag is the quoted sha256 of the bytes', async () => {
    const fs = await FsBackend.open(root)
    const info = await fs.put('e/x', body('hello'), { kind: 'none' }, MAX)
    expect(info.etag).toBe(`"${createHash('sha256').update('hello').digest('hex')}"`)
  })

  it('keys that merely start with dots are ordinary files inside the root', async () => {
    const fs = await FsBackend.open(root)
    for (const key of ['..a', '...', '.lh-tmpx/y', 'a/..b']) await fs.put(key, body(key), { kind: 'none' }, MAX)
    expect((await fs.list('', undefined, 10)).objects.map((o) => o.key)).toEqual(['...', '..a', '.lh-tmpx/y', 'a/..b'])
    expect(existsSync(join(root, '..a'))).toBe(true)
  })

  it('temp files are removed at start and never listed', async () => {
    mkdirSync(join(root, '.lh-tmp'), { recursive: true })
    writeFileSync(join(root, '.lh-tmp', 'left-by-a-crash'), 'partial')
    const fs = await FsBackend.open(root)
    // Only the folder id is left: storaged writes it there at every open (ADR-034).
    expect(readdirSync(join(root, '.lh-tmp'))).toEqual([basename(FOLDER_ID_FILE)])
    expect(readFileSync(join(root, FOLDER_ID_FILE), 'utf8')).toBe(fs.folderId)
    writeFileSync(join(root, '.lh-tmp', 'in-flight'), 'partial')
    await fs.put('t/a', body('a'), { kind: 'none' }, MAX)
    expect((await fs.list('', undefined, 100)).objects.map((o) => o.key)).toEqual(['t/a'])
  })

  it('a file that is not a whole object (no trailer) is neither served nor listed', async () => {
    const fs = await FsBackend.open(root)
    mkdirSync(join(root, 'foreign'))
    writeFileSync(join(root, 'foreign', 'plain.txt'), 'copied in by hand')
    await expect(fs.head('foreign/plain.txt')).rejects.toBeInstanceOf(NotFound)
    expect((await fs.list('foreign/', undefined, 10)).objects).toEqual([])
  })

  it('a key that is also a folder of other keys is 409 conflict, and nothing is replaced', async () => {
    const fs = await FsBackend.open(root)
    await fs.put('c/a/b', body('deep'), { kind: 'none' }, MAX)
    await expect(fs.put('c/a', body('flat'), { kind: 'none' }, MAX)).rejects.toBeInstanceOf(Conflict)
    await fs.put('c/f', body('file'), { kind: 'none' }, MAX)
    await expect(fs.put('c/f/g', body('under a file'), { kind: 'none' }, MAX)).rejects.toBeInstanceOf(Conflict)
    expect((await fs.list('c/', undefined, 10)).objects.map((o) => o.key)).toEqual(['c/a/b', 'c/f'])
  })

  it('deleting the last object of a folder prunes the empty folders', async () => {
    const fs = await FsBackend.open(root)
    await fs.put('p/q/r', body('x'), { kind: 'none' }, MAX)
    await fs.delete('p/q/r')
    expect(existsSync(join(root, 'p'))).toBe(false)
    await fs.put('p', body('now a file'), { kind: 'none' }, MAX)
    expect((await fs.head('p')).size).toBe(10)
  })

  it('a read opened before a replace keeps serving the bytes it started with', async () => {
    const fs = await FsBackend.open(root)
    await fs.put('r/x', body('old bytes'), { kind: 'none' }, MAX)
    const read = await fs.get('r/x')
    await fs.put('r/x', body('new bytes!'), { kind: 'none' }, MAX)
    expect(Buffer.concat(await read.body.toArray()).toString()).toBe('old bytes')
  })
})
