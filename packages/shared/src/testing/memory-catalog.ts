import type { CommitRequest, Manifest } from '../clients/catalog.ts'
import { AlreadyExists, Conflict, InvalidRequest, NotFound, VersionConflict } from '../errors.ts'

// Tests only: an in-process catalogd for daemons that commit (ingestd), with catalogd's commit
// rules as its client sees them. It runs the same contract suite as the real catalogd
// (testing/catalog-contract.ts, run by apps/catalogd/test/catalog-contract.test.ts), so the two
// cannot drift: an append to an absent dataset creates it here exactly as it does there.

/** Where the catalog looks for the data files a commit names (a MemoryStorage, in tests). */
export interface FileLookup {
  head(key: string): Promise<unknown>
}

export class MemoryCatalog {
  readonly #files: FileLookup | undefined

  /** With `files`, a commit naming a file that is not there is refused, as catalogd refuses it. */
  constructor(files?: FileLookup) {
    this.#files = files
  }

  /** A peer like the real client: named for /ready, always healthy, nothing to close. */
  readonly service = 'catalogd'
  async health(): Promise<string> {
    return 'catalogd ok'
  }
  async close(): Promise<void> {}

  readonly versions = new Map<string, Manifest[]>()
  commits = 0
  /** Runs before a commit is applied: a test's way to commit something first (a lost race). */
  beforeCommit: ((name: string) => void) | undefined

  async getManifest(name: string, version?: number): Promise<Manifest> {
    const all = this.versions.get(name) ?? []
    const found = version === undefined ? all.at(-1) : all.find((m) => m.version === version)
    if (!found || found.deleted) throw new NotFound(`dataset ${name} not found`)
    return found
  }

  async commit(name: string, request: CommitRequest): Promise<Manifest> {
    const hook = this.beforeCommit
    this.beforeCommit = undefined
    hook?.(name)
    const prefix = `datasets/${name}/data/`
    const keys = new Set<string>()
    for (const file of request.files) {
      if (!file.key.startsWith(prefix) || keys.has(file.key)) throw new InvalidRequest(`file ${file.key} refused`)
      keys.add(file.key)
    }
    for (const file of request.files) {
      if (this.#files && !(await this.#files.head(file.key))) {
        throw new InvalidRequest(`file ${JSON.stringify(file.key)} does not exist in storage`)
      }
    }
    const all = this.versions.get(name) ?? []
    const repeated = all.find((m) => request.idempotency_key && m.idempotency_key === request.idempotency_key)
    if (repeated) return repeated
    const base = all.at(-1)
    const live = base && !base.deleted ? base : undefined
    if (request.expected_version !== undefined && request.expected_version !== (base?.version ?? 0)) {
      throw new VersionConflict(`expected version ${request.expected_version}, at ${base?.version ?? 0}`)
    }
    if (request.operation === 'create' && live) throw new AlreadyExists(`dataset ${name} already exists`)
    const kept = request.operation === 'append' && live ? live.files : []
    const doubled = request.files.find((f) => kept.some((k) => k.key === f.key))
    if (doubled) throw new Conflict(`file ${doubled.key} is already in version ${live?.version}`)
    const files = [...kept, ...request.files]
    const now = new Date().toISOString()
    const manifest: Manifest = {
      name,
      version: (base?.version ?? 0) + 1,
      operation: request.operation,
      schema: request.schema,
      files,
      row_count: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      created_at: live?.created_at ?? now,
      committed_at: now,
      ...(request.idempotency_key ? { idempotency_key: request.idempotency_key } : {}),
    }
    this.versions.set(name, [...all, manifest])
    this.commits++
    return manifest
  }

  /** Writes a tombstone, as catalogd's DELETE does; NotFound when absent or already deleted. */
  async deleteDataset(name: string): Promise<Manifest> {
    const all = this.versions.get(name) ?? []
    const base = all.at(-1)
    if (!base || base.deleted) throw new NotFound(`dataset ${name} does not exist`)
    const now = new Date().toISOString()
    const tombstone: Manifest = {
      ...base,
      version: base.version + 1,
      operation: 'delete',
      files: [],
      row_count: 0,
      bytes: 0,
      committed_at: now,
      deleted: true,
    }
    delete tombstone.idempotency_key
    this.versions.set(name, [...all, tombstone])
    return tombstone
  }
}
