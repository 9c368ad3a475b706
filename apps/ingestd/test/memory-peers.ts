import type { Readable } from 'node:stream'
import { AlreadyExists, NotFound, PreconditionFailed, VersionConflict } from '@lakehouse/shared'
import type { CommitRequest, Manifest } from '@lakehouse/shared/clients/catalog.ts'
import type { PutResult } from '@lakehouse/shared/clients/storage.ts'
import type { Catalog, ObjectStore } from '../src/ports.ts'

// In-process stand-ins for storaged and catalogd with the contract of their clients (create-only
// puts, 412 on an existing key, version conflicts, already_exists, the idempotency key returning the
// earlier manifest), for route tests through app.inject. test/http.test.ts runs the real daemons.

export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>()

  async put(key: string, body: Buffer | string): Promise<PutResult> {
    const bytes = Buffer.from(body)
    this.objects.set(key, bytes)
    return { key, etag: `"${bytes.length}"`, size: bytes.length }
  }

  async putIfAbsent(key: string, body: Buffer | string | Readable): Promise<PutResult> {
    const bytes = typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body) : await collect(body)
    if (this.objects.has(key)) throw new PreconditionFailed(`${key} exists`)
    return this.put(key, bytes)
  }

  async getBuffer(key: string): Promise<Buffer> {
    const found = this.objects.get(key)
    if (!found) throw new NotFound(key)
    return found
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key)
  }

  keys(prefix: string): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix))
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export class MemoryCatalog implements Catalog {
  readonly versions = new Map<string, Manifest[]>()
  commits = 0
  /** Runs before a commit is applied: a test's way to commit something first (a lost race). */
  beforeCommit: ((name: string) => void) | undefined

  async getManifest(name: string, version?: number): Promise<Manifest> {
    const all = this.versions.get(name) ?? []
    const found = version === undefined ? all.at(-1) : all.find((m) => m.version === version)
    if (!found) throw new NotFound(`dataset ${name} not found`)
    return found
  }

  async commit(name: string, request: CommitRequest): Promise<Manifest> {
    const hook = this.beforeCommit
    this.beforeCommit = undefined
    hook?.(name)
    const all = this.versions.get(name) ?? []
    const repeated = all.find((m) => request.idempotency_key && m.idempotency_key === request.idempotency_key)
    if (repeated) return repeated
    const latest = all.at(-1)
    if (request.operation === 'create' && latest) throw new AlreadyExists(`dataset ${name} already exists`)
    if (request.operation !== 'create' && !latest) throw new NotFound(`dataset ${name} not found`)
    if (request.expected_version !== undefined && request.expected_version !== latest?.version) {
      throw new VersionConflict(`expected version ${request.expected_version}, at ${latest?.version}`)
    }
    const files = request.operation === 'append' ? [...(latest?.files ?? []), ...request.files] : request.files
    const now = new Date().toISOString()
    const manifest: Manifest = {
      name,
      version: (latest?.version ?? 0) + 1,
      operation: request.operation,
      schema: request.schema,
      files,
      row_count: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      created_at: all[0]?.created_at ?? now,
      committed_at: now,
      ...(request.idempotency_key ? { idempotency_key: request.idempotency_key } : {}),
    }
    this.versions.set(name, [...all, manifest])
    this.commits++
    return manifest
  }
}
