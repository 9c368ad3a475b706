import { mkdir } from 'node:fs/promises'
import {
  AlreadyExists,
  type App,
  assertValidName,
  type ErrorIssue,
  InvalidRequest,
  NotFound,
  PreconditionFailed,
  UnknownModel,
  UpstreamUnavailable,
} from '@lakehouse/shared'
import type { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { VectorsSection } from '@lakehouse/shared/config/sections/vectors.ts'
import type {
  CreateIndexRequest,
  IndexInfo,
  ItemResponse,
  SearchHit,
  SearchRequest,
  UpsertItem,
} from '@lakehouse/shared/contracts/vectors.ts'

type FastifyBaseLogger = App['log']

import { DurableIndex } from './durable-index.ts'
import { checkVector, type EmbedSettings, embedTexts, prepareItems } from './items.ts'
import type { JobRunner } from './jobs.ts'
import { SnapshotStore } from './snapshot-store.ts'
import type { IndexParams } from './vector-index.ts'

// Every index of this daemon (DESIGN §5 "vectors"): created once (INDEX.json, create-only), loaded
// at start-up from its snapshot and WAL, snapshotted after N operations or T seconds and on close.

export interface IndexStoreDeps {
  storage: StorageClient
  embed: EmbedClient
  log: FastifyBaseLogger
  tmpDir: string
  settings: VectorsSection
  /** Size of snapshot chunks (snapshotChunkBytes); vectors.chunk_bytes when absent. */
  chunkBytes?: number
}

const indexKey = (name: string) => `vectors/${name}/INDEX.json`
const DEFAULTS = { m: 16, ef_construction: 200, ef_search: 64 }

export interface IndexStats {
  name: string
  count: number
  walLength: number
  /** Epoch ms of the oldest change no snapshot holds yet; null when the snapshot holds them all. */
  dirtySince: number | null
}

export class IndexStore {
  readonly #deps: IndexStoreDeps
  readonly #snapshots: SnapshotStore
  readonly #indexes = new Map<string, DurableIndex>()
  /** Indexes that could not be loaded, with why: /ready reports them. */
  readonly failed = new Map<string, string>()
  jobs: JobRunner | undefined
  #timer: NodeJS.Timeout | undefined
  /** False until start() has loaded every index: until then index routes answer 503, not 404. */
  #loaded = false

  constructor(deps: IndexStoreDeps) {
    this.#deps = deps
    this.#snapshots = new SnapshotStore(deps.storage, deps.chunkBytes ?? deps.settings.chunk_bytes)
  }

  async start(): Promise<void> {
    clearInterval(this.#timer)
    await mkdir(this.#deps.tmpDir, { recursive: true })
    for await (const object of this.#deps.storage.list('vectors/')) {
      const name = /^vectors\/([a-z][a-z0-9_]{0,62})\/INDEX\.json$/.exec(object.key)?.[1]
      if (!name) continue
      try {
        const params = JSON.parse((await this.#deps.storage.getBuffer(object.key)).toString()) as IndexParams
        this.#indexes.set(name, await this.#open(params))
      } catch (err) {
        this.failed.set(name, (err as Error).message)
        this.#deps.log.error({ index: name, err }, `index ${name} could not be loaded`)
      }
    }
    this.#timer = setInterval(() => this.#snapshotDue(), Math.min(1_000, this.#deps.settings.snapshot_every_ms))
    this.#timer.unref()
    this.#loaded = true
  }

  get loaded(): boolean {
    return this.#loaded
  }

  #assertLoaded(): void {
    if (!this.#loaded) throw new UpstreamUnavailable('vectord is still loading its indexes; retry shortly')
  }

  /**
   * Stops the timer and snapshots every index with WAL entries after its live generation. A
   * snapshot already running captured an earlier state, so it is awaited and another one taken:
   * a clean stop leaves no WAL to replay (a replay builds an equivalent graph, not the same one:
   * hnswlib does not persist its level generator; ADR-011).
   */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    await Promise.all(
      [...this.#indexes.values()].map(async (durable) => {
        for (let attempt = 0; attempt < 2 && durable.walLength > 0; attempt++) await this.#trySnapshot(durable)
      }),
    )
  }

  readiness(): { ok: boolean; refused: string[]; failed: Record<string, string> } {
    const refused = [...this.#indexes.values()].flatMap((d) => d.refused.map((r) => `${d.name}: ${r}`))
    return { ok: this.failed.size === 0, refused, failed: Object.fromEntries(this.failed) }
  }

  async create(request: CreateIndexRequest): Promise<IndexInfo> {
    this.#assertLoaded()
    const name = assertValidName(request.name, 'index name')
    if (this.#indexes.has(name)) throw new AlreadyExists(`index ${name} already exists`)
    if (request.model !== undefined) await this.#checkModel(request.model, request.dim)
    const params: IndexParams = {
      name,
      dim: request.dim,
      metric: request.metric,
      m: request.m ?? DEFAULTS.m,
      ef_construction: request.ef_construction ?? DEFAULTS.ef_construction,
      ef_search: request.ef_search ?? DEFAULTS.ef_search,
      model: request.model ?? null,
      created_at: new Date().toISOString(),
    }
    try {
      await this.#deps.storage.putIfAbsent(indexKey(name), JSON.stringify(params))
    } catch (err) {
      if (err instanceof PreconditionFailed) throw new AlreadyExists(`index ${name} already exists`)
      throw err
    }
    const durable = await this.#open(params)
    this.#indexes.set(name, durable)
    return this.info(durable)
  }

  get(name: string): DurableIndex {
    this.#assertLoaded()
    const durable = this.#indexes.get(name)
    if (!durable) throw new NotFound(`no index named ${JSON.stringify(name.slice(0, 80))}`)
    return durable
  }

  info(durable: DurableIndex): IndexInfo {
    const { params } = durable.index
    return {
      name: params.name,
      dim: params.dim,
      metric: params.metric,
      m: params.m,
      ef_construction: params.ef_construction,
      ef_search: params.ef_search,
      model: params.model,
      count: durable.index.count,
      generation: durable.generation,
      wal_length: durable.walLength,
      job: this.jobs?.job(params.name) ?? null,
      created_at: params.created_at,
    }
  }

  /** Per-index figures for metrics (ADR-019); empty until the indexes are loaded. */
  stats(): IndexStats[] {
    if (!this.loaded) return []
    return [...this.#indexes.values()].map((d) => ({
      name: d.name,
      count: d.index.count,
      walLength: d.walLength,
      dirtySince: d.dirtySince,
    }))
  }

  list(): IndexInfo[] {
    this.#assertLoaded()
    return [...this.#indexes.values()].map((d) => this.info(d)).sort((a, b) => a.name.localeCompare(b.name))
  }

  async delete(name: string): Promise<void> {
    this.get(name)
    this.#indexes.delete(name)
    this.jobs?.forget(name)
    await this.#deps.storage.delete(indexKey(name))
    for await (const object of this.#deps.storage.list(`vectors/${name}/`)) await this.#deps.storage.delete(object.key)
  }

  async upsert(name: string, items: UpsertItem[]): Promise<number> {
    const durable = this.get(name)
    const writes = await prepareItems(items, durable.index.params.dim, this.#embedSettings(durable))
    const upserted = await durable.commit({ op: 'upsert', items: writes })
    this.#snapshotIfDue(durable)
    return upserted
  }

  async deleteItems(name: string, ids: string[]): Promise<number> {
    const durable = this.get(name)
    const deleted = await durable.commit({ op: 'delete', ids })
    this.#snapshotIfDue(durable)
    return deleted
  }

  async search(name: string, request: SearchRequest): Promise<SearchHit[]> {
    const durable = this.get(name)
    const { dim } = durable.index.params
    const issues: ErrorIssue[] = []
    if ((request.vector === undefined) === (request.text === undefined)) {
      issues.push({ path: '', message: 'give exactly one of vector and text' })
    }
    if (request.vector) checkVector(request.vector, dim, 'vector', issues)
    if (issues.length > 0) throw new InvalidRequest('invalid search', { issues })
    const query =
      request.vector ??
      ((await embedTexts([request.text as string], dim, this.#embedSettings(durable), 'query'))[0] as Float32Array)
    return durable.index.search(query, {
      k: request.k ?? 10,
      ...(request.ef !== undefined ? { ef: request.ef } : {}),
      ...(request.filter ? { filter: request.filter } : {}),
      exactFilterMax: this.#deps.settings.exact_filter_max,
    })
  }

  getItem(name: string, id: string): ItemResponse {
    const item = this.get(name).index.getItem(id)
    if (!item) throw new NotFound(`no item ${JSON.stringify(id.slice(0, 80))} in index ${name}`)
    return item
  }

  embedSettings(name: string): EmbedSettings {
    return this.#embedSettings(this.get(name))
  }

  #embedSettings(durable: DurableIndex): EmbedSettings {
    return { embed: this.#deps.embed, model: durable.index.params.model, batch: this.#deps.settings.embed_batch }
  }

  async #checkModel(model: string, dim: number): Promise<void> {
    const { models } = await this.#deps.embed.models()
    const found = models.find((m) => m.name === model)
    if (!found) throw new UnknownModel(`embedd has no model ${JSON.stringify(model)}`)
    if (found.dim !== dim) throw new InvalidRequest(`model ${model} embeds to ${found.dim} dimensions, not ${dim}`)
  }

  #open(params: IndexParams): Promise<DurableIndex> {
    const { storage, tmpDir, log } = this.#deps
    return DurableIndex.open(params, { storage, snapshots: this.#snapshots, tmpDir, log })
  }

  #snapshotIfDue(durable: DurableIndex): void {
    if (durable.opsSinceSnapshot >= this.#deps.settings.snapshot_every_ops) void this.#trySnapshot(durable)
  }

  #snapshotDue(): void {
    const now = Date.now()
    for (const durable of this.#indexes.values()) {
      const since = durable.dirtySince
      if (since !== null && now - since >= this.#deps.settings.snapshot_every_ms) void this.#trySnapshot(durable)
    }
  }

  async #trySnapshot(durable: DurableIndex): Promise<void> {
    try {
      await durable.snapshot()
    } catch (err) {
      this.#deps.log.error({ index: durable.name, err }, 'snapshot failed; the WAL still holds every write')
    }
  }
}
