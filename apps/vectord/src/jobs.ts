import { type App, Conflict, InvalidRequest, NotFound, quoteIdent } from '@lakehouse/shared'
import type { QueryClient } from '@lakehouse/shared/clients/query.ts'
import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { FromDatasetJob, FromDatasetRequest, Metadata } from '@lakehouse/shared/contracts/vectors.ts'

type FastifyBaseLogger = App['log']

import type { IndexStore } from './index-store.ts'
import { prepareItems } from './items.ts'

// from-dataset: index a table's text column (DESIGN §5 "vectors"). The job pages through the rows
// in id order with queryd (NDJSON pages, never one giant JSON), embeds each page, and upserts it
// through the same durable path as any upsert. Its progress is stored (JOB.json) after each page is
// durable, so a restarted vectord resumes at the first page not yet stored; upserts are by id, so
// a page done twice changes nothing. One job per index at a time.

interface StoredJob {
  request: FromDatasetRequest
  job: FromDatasetJob
}

export interface JobDeps {
  store: IndexStore
  storage: StorageClient
  query: QueryClient
  log: FastifyBaseLogger
  pageRows: number
}

const jobKey = (index: string) => `vectors/${index}/JOB.json`

export class JobRunner {
  readonly #deps: JobDeps
  readonly #jobs = new Map<string, StoredJob>()
  readonly #running = new Set<Promise<void>>()

  constructor(deps: JobDeps) {
    this.#deps = deps
  }

  job(index: string): FromDatasetJob | null {
    return this.#jobs.get(index)?.job ?? null
  }

  forget(index: string): void {
    this.#jobs.delete(index)
  }

  async start(index: string, request: FromDatasetRequest): Promise<FromDatasetJob> {
    this.#deps.store.get(index)
    if (request.version !== undefined) {
      // queryd reads a dataset's latest version; indexing another one than asked would be silent.
      throw new InvalidRequest('version pinning is not supported yet: from-dataset reads the latest version')
    }
    if (this.#jobs.get(index)?.job.state === 'running') {
      throw new Conflict(`index ${index} already has a from-dataset job running`)
    }
    const total = await this.#count(request)
    await this.#deps.query.sql({ sql: `${this.#select(request)} LIMIT 0` })
    const stored: StoredJob = {
      request,
      job: { state: 'running', dataset: request.dataset, done: 0, total, started_at: new Date().toISOString() },
    }
    this.#jobs.set(index, stored)
    await this.#save(index, stored)
    this.#launch(index, stored)
    return { ...stored.job }
  }

  /** Start-up: every stored job that was running goes on from its last stored page. */
  async resumeAll(indexes: string[]): Promise<void> {
    for (const index of indexes) {
      let stored: StoredJob
      try {
        stored = JSON.parse((await this.#deps.storage.getBuffer(jobKey(index))).toString()) as StoredJob
      } catch (err) {
        if (err instanceof NotFound) continue
        throw err
      }
      this.#jobs.set(index, stored)
      if (stored.job.state !== 'running') continue
      this.#deps.log.info({ index, done: stored.job.done, total: stored.job.total }, 'resuming from-dataset job')
      this.#launch(index, stored)
    }
  }

  /** Waits for running jobs (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#running])
  }

  #launch(index: string, stored: StoredJob): void {
    const run = this.#run(index, stored).finally(() => this.#running.delete(run))
    this.#running.add(run)
  }

  async #run(index: string, stored: StoredJob): Promise<void> {
    const { job, request } = stored
    try {
      while (job.done < job.total) {
        const rows = await this.#page(request, job.done)
        if (rows.length === 0) break
        const items = rows.flatMap((row) => this.#item(row, request))
        if (items.length > 0) {
          const settings = this.#deps.store.embedSettings(index)
          const writes = await prepareItems(items, this.#deps.store.get(index).index.params.dim, settings)
          await this.#deps.store.get(index).commit({ op: 'upsert', items: writes })
        }
        job.done += rows.length
        await this.#save(index, stored)
        this.#deps.log.info({ index, done: job.done, total: job.total }, 'from-dataset progress')
      }
      job.state = 'done'
    } catch (err) {
      job.state = 'failed'
      job.error = (err as Error).message
      this.#deps.log.error({ index, err }, 'from-dataset job failed')
    }
    job.finished_at = new Date().toISOString()
    if (this.#jobs.get(index) === stored) await this.#save(index, stored).catch(() => undefined)
  }

  #item(row: Record<string, unknown>, request: FromDatasetRequest) {
    const id = row[request.id_column]
    const text = row[request.text_column]
    if (id === null || id === undefined || typeof text !== 'string' || text.length === 0) return []
    const metadata: Metadata = {}
    for (const column of request.metadata_columns ?? []) {
      const value = row[column]
      metadata[column] =
        value === null || ['string', 'number', 'boolean'].includes(typeof value)
          ? (value as Metadata[string])
          : JSON.stringify(value)
    }
    return [{ id: String(id), text: text.slice(0, 32 * 1024), metadata }]
  }

  #select(request: FromDatasetRequest): string {
    const columns = [request.id_column, request.text_column, ...(request.metadata_columns ?? [])]
    const unique = [...new Set(columns)].map(quoteIdent).join(', ')
    return `SELECT ${unique} FROM ${quoteIdent(request.dataset)} ORDER BY ${quoteIdent(request.id_column)}`
  }

  async #count(request: FromDatasetRequest): Promise<number> {
    const answer = await this.#deps.query.sql({ sql: `SELECT count(*) AS n FROM ${quoteIdent(request.dataset)}` })
    return Number(answer.rows[0]?.[0] ?? 0)
  }

  async #page(request: FromDatasetRequest, offset: number): Promise<Array<Record<string, unknown>>> {
    const sql = `${this.#select(request)} LIMIT ${this.#deps.pageRows} OFFSET ${offset}`
    const body = await this.#deps.query.stream({ sql, format: 'ndjson', max_rows: this.#deps.pageRows })
    const chunks: Buffer[] = []
    for await (const chunk of body) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  }

  async #save(index: string, stored: StoredJob): Promise<void> {
    await this.#deps.storage.put(jobKey(index), JSON.stringify(stored))
  }
}
