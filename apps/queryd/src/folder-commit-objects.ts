import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { FOLDER_ID_FILE, type StorageIdentity } from '@lakehouse/shared/contracts/storage.ts'
import type { CommitObjects } from './commit-probe.ts'

// The freshness probe (ADR-021) answered by storaged's folder itself when queryd runs on the same
// host (ADR-034). storaged's fs backend publishes an object by renaming a whole, fsynced file into
// place before it acknowledges the write, so a commit acknowledged before a query started is a file
// a `stat` finds: the same answer as storaged's HEAD, without the round trip. The folder is used
// only while the id queryd reads in it is the id storaged announces for the folder it serves; any
// other answer (s3, another folder, a storaged that does not answer) means HEADs through storaged.

export interface CommitObjectsRemote extends CommitObjects {
  identity(): Promise<StorageIdentity>
}

export type ProbeSource = 'folder' | 'storaged'

export interface ProbeLog {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
}

export class FolderCommitObjects implements CommitObjects {
  readonly #remote: CommitObjectsRemote
  readonly #root: string
  readonly #log: ProbeLog
  #source: ProbeSource = 'storaged'
  #timer: NodeJS.Timeout | undefined
  #isClosed = false

  constructor(remote: CommitObjectsRemote, root: string, log: ProbeLog) {
    this.#remote = remote
    this.#root = root
    this.#log = log
  }

  get source(): ProbeSource {
    return this.#source
  }

  async head(key: string): Promise<unknown> {
    if (this.#source === 'storaged') return this.#remote.head(key)
    try {
      const found = await stat(join(this.#root, key))
      // A folder is never an object: storaged's HEAD answers 404 for one too.
      return found.isFile() ? found : undefined
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
      throw err
    }
  }

  /**
   * Compares the folder's id with storaged's, then again every `everyMs`: storaged moved to another
   * folder is noticed within that time (an operator's change of storage.root without restarting
   * queryd; ADR-034). Until the first answer, HEADs go to storaged.
   */
  watch(everyMs: number): void {
    this.#timer = setInterval(() => void this.check(), everyMs)
    this.#timer.unref()
    void this.check()
  }

  async check(): Promise<ProbeSource> {
    if (this.#isClosed) return this.#source
    let next: ProbeSource = 'storaged'
    try {
      const [theirs, ours] = await Promise.all([
        this.#remote.identity(),
        readFile(join(this.#root, FOLDER_ID_FILE), 'utf8').catch(() => undefined),
      ])
      if (theirs.backend === 'fs' && theirs.folder_id !== null && theirs.folder_id === ours) next = 'folder'
    } catch (err) {
      // storaged does not answer: nothing can be committed through it now, and the folder last
      // proven is still that folder, so the choice stands until storaged answers otherwise.
      this.#log.warn({ err: (err as Error).message }, 'cannot compare storage folders; freshness probe unchanged')
      return this.#source
    }
    if (next !== this.#source) this.#log.info({ source: next }, 'freshness probe source')
    this.#source = next
    return next
  }

  close(): void {
    this.#isClosed = true
    clearInterval(this.#timer)
  }
}
